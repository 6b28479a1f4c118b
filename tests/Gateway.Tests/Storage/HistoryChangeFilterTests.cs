using Gateway.Drivers.Readings;
using Gateway.Storage;

namespace Gateway.Tests.Storage;

public sealed class HistoryChangeFilterTests
{
    private static readonly DateTimeOffset T0 = HistoryTestData.Start;

    private static HistorySample Sample(int seconds, double voltage, double charge) =>
        new("ups", T0.AddSeconds(seconds), [new Metric("input.voltage", voltage, "V"), new Metric("battery.charge", charge, "%")]);

    [Fact]
    public void Only_values_that_moved_beyond_the_deadband_since_their_last_row_are_kept()
    {
        var filter = new HistoryChangeFilter(deadbandPercent: 1, heartbeat: TimeSpan.FromMinutes(15));
        var kept = filter.Filter([
            Sample(0, 230, 100),      // first: everything
            Sample(10, 231, 100),     // 1 V of 230 is 0.43 %: nothing
            Sample(20, 232.4, 100),   // 2.4 V from the stored 230 is 1.04 %: the voltage only
            Sample(30, 230.1, 99),    // 2.3 V of 232.4 is 0.99 %, 1 % of 100 is not more than 1 %: nothing
            Sample(40, 230.1, 98.9),  // 1.1 % from the stored 100: the charge only
        ]);
        Assert.Equal([0, 20, 40], kept.Select(s => (int)(s.At - T0).TotalSeconds));
        Assert.Equal(["input.voltage", "battery.charge"], kept[0].Metrics.Select(m => m.Key));
        Assert.Equal(new[] { ("input.voltage", 232.4) }, kept[1].Metrics.Select(m => (m.Key, m.Value)));
        Assert.Equal(new[] { ("battery.charge", 98.9) }, kept[2].Metrics.Select(m => (m.Key, m.Value)));
        Assert.Equal((10, 4), (filter.MetricsIn, filter.MetricsOut));
    }

    [Fact]
    public void A_steady_value_gets_a_row_once_per_heartbeat_and_zero_deadband_keeps_every_change()
    {
        var filter = new HistoryChangeFilter(deadbandPercent: 1, heartbeat: TimeSpan.FromMinutes(15));
        var kept = filter.Filter(Enumerable.Range(0, 361).Select(i => Sample(10 * i, 230, 100)).ToArray());   // one hour
        Assert.Equal([0, 900, 1800, 2700, 3600], kept.Select(s => (int)(s.At - T0).TotalSeconds));

        var exact = new HistoryChangeFilter(deadbandPercent: 0, heartbeat: TimeSpan.FromMinutes(15));
        Assert.Equal(3, exact.Filter([Sample(0, 230, 100), Sample(10, 230, 100), Sample(20, 230.01, 100), Sample(30, 230, 100)]).Count);
    }
}
