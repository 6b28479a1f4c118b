using Gateway.Configuration;
using Gateway.Readings;
using Gateway.Web.Alarms;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Web;

public sealed class AlarmMonitorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly EventBus _events = new(NullLogger<EventBus>.Instance);
    private readonly AlarmMonitor _monitor;

    public AlarmMonitorTests()
    {
        var hub = new ReadingHub(_time, NullLogger<ReadingHub>.Instance);
        _monitor = new AlarmMonitor(hub, _events, ApiTestHost.Config(""));
    }

    private void Feed(double input = 230, double charge = 95, double load = 35, double temp = 31, string? alarm = null)
    {
        _time.Advance(TimeSpan.FromSeconds(2));
        _monitor.Handle(new ReadingPublished(TestReadings.Ups("ups", _time.GetUtcNow(), charge, input, load, temp, alarm: alarm)));
    }

    private string[] AlarmEvents() => _events.Recent().Where(e => e.Kind == EventKinds.Alarm)
        .Select(e => $"{e.Data!["alarm"]}:{e.Data["state"]}").ToArray();

    [Fact]
    public void Default_thresholds_are_the_must_monitor_ones()
    {
        Assert.Equal(new AlarmThresholds(180, 20, 40, 80), _monitor.Thresholds);
    }

    [Fact]
    public void Each_alarm_message_names_the_value_and_the_threshold_and_quiet_readings_store_nothing()
    {
        for (var i = 0; i < 3; i++) Feed();
        Assert.Empty(_monitor.For("ups"));
        Assert.Empty(_monitor.All());

        Feed(input: 175.26, charge: 19.04, load: 81.5, temp: 41.3);
        Assert.Equal(["Input voltage 175.3 V is below 180 V", "Battery 19 % is below 20 %", "Temperature 41.3 °C is above 40 °C", "Load 81.5 % is above 80 %"],
            _monitor.For("ups").Select(a => a.Message));
    }

    [Fact]
    public void Each_threshold_raises_its_alarm_once_and_clears_it_once()
    {
        Feed();
        Assert.Empty(_monitor.For("ups"));

        Feed(input: 175, charge: 19, load: 81, temp: 41);
        Assert.Equal([AlarmKinds.InputVoltageLow, AlarmKinds.BatteryLow, AlarmKinds.TemperatureHigh, AlarmKinds.LoadHigh], _monitor.For("ups").Select(a => a.Kind));
        var raisedAt = _time.GetUtcNow();
        for (var i = 0; i < 10; i++) Feed(input: 170 - i, charge: 18, load: 85, temp: 42);

        // Still one event per alarm; "since" stays at the first reading; the message follows the value.
        Assert.Equal(["input_voltage_low:raised", "battery_low:raised", "temperature_high:raised", "load_high:raised"], AlarmEvents());
        var input = _monitor.For("ups")[0];
        Assert.Equal(raisedAt, input.Since);
        Assert.Equal(161, input.Value);
        Assert.Equal("Input voltage 161 V is below 180 V", input.Message);

        Feed();
        Assert.Empty(_monitor.For("ups"));
        Assert.Equal(8, AlarmEvents().Length);
        Assert.Equal(["input_voltage_low:cleared", "battery_low:cleared", "temperature_high:cleared", "load_high:cleared"], AlarmEvents()[4..]);
        var cleared = _events.Recent().Last();
        Assert.Equal(EventSeverity.Info, cleared.Severity);
        Assert.Equal("ups", cleared.DeviceId);
    }

    [Fact]
    public void A_value_wobbling_at_the_threshold_does_not_flap()
    {
        Feed(input: 179);
        foreach (var v in new[] { 181, 179, 182, 184, 179.5, 183 }) Feed(input: v);
        Assert.Equal(["input_voltage_low:raised"], AlarmEvents());
        Feed(input: 185); // threshold + margin: clears
        Assert.Equal(["input_voltage_low:raised", "input_voltage_low:cleared"], AlarmEvents());
        Feed(input: 181);
        Assert.Equal(2, AlarmEvents().Length);
    }

    [Fact]
    public void Thresholds_come_from_the_config()
    {
        var config = ApiTestHost.Config("web:\n  alarms:\n    input_voltage_low: 200\n    battery_low: 50\n    temperature_high: 30\n    load_high: 20\n");
        var monitor = new AlarmMonitor(new ReadingHub(_time, NullLogger<ReadingHub>.Instance), _events, config);
        monitor.Handle(new ReadingPublished(TestReadings.Ups("ups", _time.GetUtcNow(), charge: 45, input: 195, load: 25, temp: 31)));
        Assert.Equal(4, monitor.For("ups").Count);
        Assert.Equal("Battery 45 % is below 50 %", monitor.For("ups")[1].Message);
    }

    [Fact]
    public void The_ups_own_alarm_text_is_an_alarm_and_a_new_text_is_a_new_event()
    {
        Feed(alarm: "Replace battery!");
        Assert.Equal("UPS reports: Replace battery!", _monitor.For("ups").Single().Message);
        Feed(alarm: "Replace battery!");
        Feed(alarm: "Fan failure");
        Feed();
        Assert.Equal(["ups_alarm:raised", "ups_alarm:raised", "ups_alarm:cleared"], AlarmEvents());
    }

    [Fact]
    public void Meters_and_other_devices_are_untouched()
    {
        _monitor.Handle(new ReadingPublished(TestReadings.Meter("grid", _time.GetUtcNow())));
        Feed(input: 100);
        Assert.Empty(_monitor.For("grid"));
        Assert.Single(_monitor.All());
        Assert.Equal("ups", _monitor.All()[0].DeviceId);
    }
}
