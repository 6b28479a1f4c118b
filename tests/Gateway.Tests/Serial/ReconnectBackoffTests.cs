using Gateway.Drivers.Serial;

namespace Gateway.Tests.Serial;

public class ReconnectBackoffTests
{
    [Fact]
    public void Starts_at_2s_grows_by_half_and_caps_at_60s()
    {
        var b = new ReconnectBackoff(jitter: 0);
        var seconds = Enumerable.Range(0, 12).Select(_ => Math.Round(b.Next().TotalSeconds, 3)).ToArray();
        Assert.Equal([2, 3, 4.5, 6.75, 10.125, 15.188, 22.781, 34.172, 51.258, 60, 60, 60], seconds);
    }

    [Fact]
    public void Jitter_stays_within_five_percent_and_never_passes_the_cap()
    {
        var b = new ReconnectBackoff(new Random(7));
        var bases = new ReconnectBackoff(jitter: 0);
        for (var i = 0; i < 30; i++)
        {
            var expected = bases.Next().TotalSeconds;
            var actual = b.Next().TotalSeconds;
            Assert.InRange(actual, expected * 0.95 - 1e-9, Math.Min(expected * 1.05, 60) + 1e-9);
        }
    }

    [Fact]
    public void Reset_starts_over()
    {
        var b = new ReconnectBackoff(jitter: 0);
        b.Next(); b.Next(); b.Next();
        b.Reset();
        Assert.Equal(TimeSpan.FromSeconds(2), b.Next());
    }
}
