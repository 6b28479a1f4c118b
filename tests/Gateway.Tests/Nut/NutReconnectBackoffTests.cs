using Gateway.Drivers.Nut;

namespace Gateway.Tests.Nut;

public sealed class NutReconnectBackoffTests
{
    [Fact]
    public void Doubles_up_to_the_cap_and_resets()
    {
        var b = new NutReconnectBackoff();
        var seq = Enumerable.Range(0, 8).Select(_ => b.Next().TotalSeconds).ToArray();
        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], seq);
        b.Reset();
        Assert.Equal(1, b.Next().TotalSeconds);
        Assert.Equal(30, b.NextForConfigurationError().TotalSeconds);
        Assert.Equal(30, b.Next().TotalSeconds);
    }
}
