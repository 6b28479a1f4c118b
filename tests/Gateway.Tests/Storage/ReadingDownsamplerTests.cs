using Gateway.Drivers.Readings;
using Gateway.Storage;

namespace Gateway.Tests.Storage;

public class ReadingDownsamplerTests
{
    private static readonly DateTimeOffset T0 = HistoryTestData.Start;

    [Fact]
    public void Averages_each_metric_over_the_interval_and_stamps_the_interval_start()
    {
        var d = new ReadingDownsampler(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 10; i++) d.Add(HistoryTestData.Ups(T0.AddSeconds(i), charge: 90 + i));

        Assert.Empty(d.TakeClosed(T0.AddSeconds(9.9)));
        var closed = Assert.Single(d.TakeClosed(T0.AddSeconds(10)));
        Assert.Equal("ups", closed.DeviceId);
        Assert.Equal(T0, closed.At);
        Assert.Equal(94.5, closed.Metrics.Single(m => m.Key == NutNames.BatteryCharge).Value, 6);
        Assert.Equal("%", closed.Metrics.Single(m => m.Key == NutNames.BatteryCharge).Unit);
        Assert.Empty(d.TakeClosed(T0.AddSeconds(30)));
    }

    [Fact]
    public void A_reading_in_a_new_interval_closes_the_old_one_and_intervals_are_epoch_aligned()
    {
        var d = new ReadingDownsampler(TimeSpan.FromSeconds(10));
        d.Add(HistoryTestData.Ups(T0.AddSeconds(3)));
        d.Add(HistoryTestData.Meter(T0.AddSeconds(4)));
        d.Add(HistoryTestData.Ups(T0.AddSeconds(13)));

        Assert.Equal([("grid", T0), ("ups", T0)], d.TakeClosed(T0.AddSeconds(13)).Select(s => (s.DeviceId, s.At)).ToArray());
        Assert.Empty(d.TakeClosed(T0.AddSeconds(19)));
        Assert.Equal([("ups", T0.AddSeconds(10))], d.TakeAll().Select(s => (s.DeviceId, s.At)).ToArray());
    }

    [Fact]
    public void Late_readings_are_dropped_and_counted()
    {
        var d = new ReadingDownsampler(TimeSpan.FromSeconds(10));
        d.Add(HistoryTestData.Ups(T0.AddSeconds(25)));
        d.Add(HistoryTestData.Ups(T0.AddSeconds(5)));
        Assert.Equal(1, d.LateReadings);
        Assert.Equal(T0.AddSeconds(20), Assert.Single(d.TakeAll()).At);
    }

    [Fact]
    public void Metrics_that_come_and_go_or_change_order_keep_first_seen_order_and_their_own_mean_minimum_and_maximum()
    {
        var d = new ReadingDownsampler(TimeSpan.FromSeconds(10));
        Reading R(int second, params Metric[] metrics) => new MeterReading("m", T0.AddSeconds(second), TimeSpan.FromSeconds(5)) { Values = metrics };
        d.Add(R(0, new("a", 1, "V"), new("b", 10, "A")));
        d.Add(R(1, new("a", 3, "V"), new("c", 100, "W"), new("b", 20, "A")));
        d.Add(R(2, new("b", 30, "A"), new("a", 5, "V"), new("b", 40, "A")));
        d.Add(R(3, new("c", double.NaN, "W"), new("a", 7, "kV")));

        var rollup = Assert.Single(d.TakeAllRollups());
        Assert.Equal([new MetricStats("a", 4, 1, 7, "kV"), new MetricStats("b", 25, 10, 40, "A"), new MetricStats("c", 100, 100, 100, "W")], rollup.Stats);
    }
}
