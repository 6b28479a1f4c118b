using Gateway.Policy;

namespace Gateway.Tests.Policy;

public sealed class BatteryHistoryTests
{
    [Fact]
    public void Rate_is_the_least_squares_slope_in_percent_per_minute()
    {
        var h = new BatteryHistory();
        for (var s = 0; s <= 120; s += 2) h.Add(TimeSpan.FromSeconds(s), 100 - s / 6.0 + (s % 4 == 0 ? 0.5 : -0.5));
        var rate = h.DepletionRate(TimeSpan.FromSeconds(120), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30));
        Assert.NotNull(rate);
        Assert.InRange(rate!.Value, 9.8, 10.2);
    }

    [Fact]
    public void Too_short_a_span_gives_no_rate()
    {
        var h = new BatteryHistory();
        h.Add(TimeSpan.FromSeconds(0), 100);
        h.Add(TimeSpan.FromSeconds(10), 90);
        Assert.Null(h.DepletionRate(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Samples_outside_the_window_and_before_not_before_are_ignored()
    {
        var h = new BatteryHistory();
        for (var s = 0; s <= 600; s += 10) h.Add(TimeSpan.FromSeconds(s), s < 300 ? 100 - s / 3.0 : 0 + 0 * s);
        // Last 5 minutes are flat at 0 → no depletion.
        Assert.Equal(0, h.DepletionRate(TimeSpan.FromSeconds(600), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300))!.Value, 3);
    }
}
