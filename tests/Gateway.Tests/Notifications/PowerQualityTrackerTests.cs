using Gateway.Drivers.Readings;
using Gateway.Notifications;
using Gateway.Tests.Policy;

namespace Gateway.Tests.Notifications;

public sealed class PowerQualityTrackerTests
{
    private readonly PowerQualityTracker _t = new(195, 253);
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-25T12:00:00Z");

    private static UpsReading Ups(string status, double? voltage, double load = 40) =>
        new("ups", At, TimeSpan.FromSeconds(10), UpsStatus.Parse(status),
            voltage is { } v ? new Dictionary<string, string> { ["input.voltage"] = v.ToString(System.Globalization.CultureInfo.InvariantCulture), ["ups.load"] = load.ToString(System.Globalization.CultureInfo.InvariantCulture) } : new Dictionary<string, string>());

    private List<PowerQualityChange> Feed(params Reading[] readings) => readings.SelectMany(_t.Observe).ToList();

    [Fact]
    public void Brownout_is_reported_once_on_entry_and_once_on_exit_with_hysteresis()
    {
        var changes = Feed(Ups("OL", 230), Ups("OL", 190), Ups("OL", 188), Ups("OL", 195.5), Ups("OL", 194), Ups("OL", 197.5), Ups("OL", 230));
        Assert.Equal(2, changes.Count);
        Assert.Equal(("brownout", true), (changes[0].Condition, changes[0].Active));
        Assert.Contains("190 V", changes[0].Message);
        Assert.Equal(("brownout", false), (changes[1].Condition, changes[1].Active));
        Assert.Contains("197.5 V", changes[1].Message);
    }

    [Fact]
    public void Over_voltage_is_reported_once_per_change()
    {
        var changes = Feed(Ups("OL", 254), Ups("OL", 260), Ups("OL", 252), Ups("OL", 250));
        Assert.Equal([("overvoltage", true), ("overvoltage", false)], changes.Select(c => (c.Condition, c.Active)));
    }

    [Fact]
    public void A_reading_that_changes_nothing_allocates_no_list_and_the_next_change_is_still_reported()
    {
        Assert.Single(_t.Observe(Ups("OL BOOST", 190)), c => c.Condition == "brownout");
        // Steady: the shared empty list, not a new one per reading (nothing is formatted either).
        Assert.Same(Array.Empty<PowerQualityChange>(), _t.Observe(Ups("OL BOOST", 189)));
        Assert.Same(Array.Empty<PowerQualityChange>(), _t.Observe(Ups("OL BOOST", 191)));
        var back = _t.Observe(Ups("OL", 230));
        Assert.Equal([("brownout", false), ("avr_boost", false)], back.Select(c => (c.Condition, c.Active)));
        Assert.Equal("AVR boost off", back[1].Message);
    }

    [Fact]
    public void A_power_failure_is_not_a_brownout()
    {
        Assert.Empty(Feed(Ups("OL", 230), Ups("OB DISCHRG", 0), Ups("OB DISCHRG", 12), Ups("OL", 229)));
    }

    [Fact]
    public void Avr_overload_and_bypass_flags_are_tracked()
    {
        var changes = Feed(Ups("OL BOOST", 200), Ups("OL BOOST", 201), Ups("OL", 215), Ups("OL TRIM", 250), Ups("OL OVER", 230, 115), Ups("OL", 230, 80), Ups("OL BYPASS", 230), Ups("OL", 230));
        Assert.Equal(
            [("avr_boost", true), ("avr_boost", false), ("avr_trim", true), ("avr_trim", false), ("overload", true), ("overload", false), ("bypass", true), ("bypass", false)],
            changes.Select(c => (c.Condition, c.Active)));
        Assert.Contains("load 115%", changes[4].Message);
    }

    [Fact]
    public void Meter_phases_are_checked_against_the_same_thresholds()
    {
        var ok = new MeterReading("grid", At, TimeSpan.FromSeconds(10)) { L1 = new(Voltage: 231), L2 = new(Voltage: 229), L3 = new(Voltage: 230) };
        var sag = ok with { L2 = new(Voltage: 180) };
        var changes = Feed(ok, sag, sag, ok);
        Assert.Equal([("brownout", true), ("brownout", false)], changes.Select(c => (c.Condition, c.Active)));
        Assert.Contains("L2 at 180 V", changes[0].Message);
        Assert.All(changes, c => Assert.Equal("grid", c.DeviceId));
    }

    [Fact]
    public void Devices_are_tracked_separately()
    {
        var a = Ups("OL", 190);
        var b = new UpsReading("ups2", At, TimeSpan.FromSeconds(10), UpsStatus.Parse("OL"), new Dictionary<string, string> { ["input.voltage"] = "190" });
        Assert.Equal(2, Feed(a, b, a, b).Count);
    }
}
