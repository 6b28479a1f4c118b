using Gateway.Hosting;

namespace Gateway.Tests.Hosting;

public class KernelRandomTests
{
    [Fact]
    public void DrawsEveryValueOfTheRangeAndNothingOutsideIt()
    {
        var seen = new int[31];
        for (var i = 0; i < 31 * 200; i++) seen[KernelRandom.GetInt32(31)]++;
        // 200 expected per value; a value never drawn (or one drawn far too often) would mean a broken draw.
        Assert.All(seen, count => Assert.InRange(count, 100, 320));
    }

    [Fact]
    public void FillsABufferWithDifferentBytesEachTime()
    {
        var a = new byte[64];
        var b = new byte[64];
        KernelRandom.Fill(a);
        KernelRandom.Fill(b);
        Assert.NotEqual(a, b);
        Assert.True(a.Distinct().Count() > 16, "64 random bytes have more than 16 distinct values");
    }

    [Fact]
    public void RefusesAnEmptyRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelRandom.GetInt32(0));
}
