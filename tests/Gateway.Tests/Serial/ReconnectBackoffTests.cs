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

    [Fact]
    public void The_nut_client_form_doubles_up_to_30_s_and_jumps_to_the_cap_for_configuration_errors()
    {
        var b = new ReconnectBackoff(jitter: 0, initial: TimeSpan.FromSeconds(1), max: TimeSpan.FromSeconds(30), factor: 2);
        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], Enumerable.Range(0, 8).Select(_ => b.Next().TotalSeconds));
        b.Reset();
        Assert.Equal(1, b.Next().TotalSeconds);
        Assert.Equal(30, b.NextAtMax().TotalSeconds);
        Assert.Equal(30, b.Next().TotalSeconds);
    }
}
