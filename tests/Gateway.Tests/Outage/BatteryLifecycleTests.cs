using System.Globalization;
using Gateway.Battery;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Gateway.Shutdown.Restore;
using Gateway.Tests.Support;
using Gateway.Web.Alarms;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Outage;

public sealed class BatteryLifecycleTests
{
    private static UpsReading Reading(string status, DateTimeOffset at, string device = "ups") =>
        new(device, at, TimeSpan.FromSeconds(10), UpsStatus.Parse(status), new Dictionary<string, string> { [NutNames.BatteryCharge] = "100" });

    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Rb_is_an_alarm_through_the_monitor_raised_once_and_cleared()
    {
        var events = new EventBus(NullLogger<EventBus>.Instance);
        var hub = new ReadingHub(TimeProvider.System, NullLogger<ReadingHub>.Instance);
        hub.Register("ups", "must", DeviceKind.Ups);
        var monitor = new AlarmMonitor(hub, events, TestConfig.Load("devices:\n  - { id: ups, type: must, port: /dev/x }\n"));
        using var sub = events.Subscribe("t");

        monitor.Handle(new ReadingPublished(Reading("OL CHRG RB", Now)));
        monitor.Handle(new ReadingPublished(Reading("OL CHRG RB", Now.AddSeconds(5))));
        var alarm = Assert.Single(monitor.For("ups"));
        Assert.Equal(AlarmKinds.ReplaceBattery, alarm.Kind);
        Assert.Equal(Now, alarm.Since);
        monitor.Handle(new ReadingPublished(Reading("OL CHRG", Now.AddSeconds(10))));
        Assert.Empty(monitor.For("ups"));

        var list = new List<GatewayEvent>();
        while (sub.Reader.TryRead(out var e)) if (e.Kind == EventKinds.Alarm) list.Add(e);
        Assert.Equal(2, list.Count);
        Assert.Contains("battery needs replacing (RB)", list[0].Message);
        Assert.Equal("raised", list[0].Data!["state"]);
        Assert.Equal("cleared", list[1].Data!["state"]);
    }

    [Theory]
    [InlineData("2025-06-01", null)]
    [InlineData("2025-11-01", "reaches its expected life of 4 years on 2026-01-01")]
    [InlineData("2026-02-01", "4.1 years old, past its expected life of 4 years")]
    public void The_battery_age_warns_before_the_end_of_its_expected_life_and_after(string today, string? expected)
    {
        var battery = TestConfig.Load("battery: { installed: 2022-01-01, expected_life_years: 4, warn_before: 90d }\n").Battery;
        var at = DateTimeOffset.Parse(today + "T12:00:00Z", CultureInfo.InvariantCulture);
        var alarms = AlarmEvaluator.Evaluate(Reading("OL", at), new AlarmThresholds(), new Dictionary<string, ActiveAlarm>(), battery);
        var age = alarms.SingleOrDefault(a => a.Kind == AlarmKinds.BatteryAge);
        if (expected is null) Assert.Null(age);
        else Assert.Contains(expected, age!.Message);
    }

    [Fact]
    public void A_bad_install_date_is_a_config_error()
    {
        var r = ConfigLoader.LoadText("battery: { installed: 01.05.2024 }\n", "test.yaml", new Dictionary<string, string>(), []);
        Assert.Contains(r.Problems, p => p.ToString().Contains("battery.installed") && p.ToString().Contains("YYYY-MM-DD"));
    }

    [Fact]
    public void Health_is_the_measured_runtime_against_the_ups_estimate_from_real_outages()
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        OutageRecord Outage(int day, double runtimeEstimate, double seconds, double drop, double wh) => new()
        {
            StartedAt = t0.AddDays(day), StartCharge = 100, LowestCharge = 100 - drop, StartRuntime = runtimeEstimate,
            SecondsOnBattery = seconds, BatteryWattHours = wh,
        };
        var outages = new[]
        {
            Outage(0, 3000, 1200, 40, 100),   // 40 % in 20 min: 50 min to empty, as the UPS said
            Outage(30, 3000, 60, 2, 5),       // a blink-sized outage says nothing
            Outage(60, 3000, 900, 40, 75),    // 40 % in 15 min: 37.5 min, 75 %
            Outage(90, 3000, 600, 40, 50),    // 40 % in 10 min: 25 min, 50 %
        };
        var report = BatteryReport.Build(BatteryOptions.Default, outages, t0.AddDays(100));
        Assert.Equal(3, report.Estimates.Count);
        Assert.Equal([1.0, 0.75, 0.5], report.Estimates.Select(e => Math.Round(e.Ratio!.Value, 2)));
        Assert.Equal(250, report.Estimates[0].CapacityWattHours!.Value, 3);
        Assert.Equal(300, report.Estimates[0].AverageWatts, 3);
        Assert.Equal(75, report.HealthPercent);
        Assert.Null(report.Installed);
        Assert.False(report.AgeWarning);
    }

    [Fact]
    public async Task Each_finished_outage_leaves_a_health_point_with_runtime_at_full_and_the_voltage_sag_kept_beyond_the_outage_history()
    {
        using var h = new OutageHarness(RestoreOptions.Default);
        // On line at rest: 27.2 V. Then 20 min on battery at 300 W from 100 % to 60 %, the first reading sagging to 25.2 V.
        await h.Ups("OL", 100, volts: 27.2);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await h.Ups("OB DISCHRG", 100, watts: 300, volts: 25.2, runtime: 2400);
        for (var i = 1; i <= 240; i++)
        {
            h.Time.Advance(TimeSpan.FromSeconds(5));
            await h.Ups("OB DISCHRG", 100 - 40.0 * i / 240, watts: 300, volts: 24.8);
        }
        await h.OnLine(TimeSpan.FromSeconds(3), charge: 60);

        var point = Assert.Single(await h.Health.LoadAsync(CancellationToken.None));
        Assert.Equal(BatteryHealthPoint.Outage, point.Source);
        Assert.Equal(3000, point.RuntimeAtFull);          // 40 % in 20 min: 50 min for a full battery
        Assert.Equal(1.25, point.Ratio);                  // against the UPS's 40 min at the start
        Assert.Equal(2.0, point.SagVolts);
        Assert.Equal(0.168, point.ResistanceOhms);        // 2 V / (300 W / 25.2 V)
        Assert.Equal(250, point.CapacityWattHours);       // 100 Wh for 40 %

        // The outage history keeps the last 20; the health history keeps its point after the outage is gone from it,
        // and the report merges it with the self-tests, by time.
        var selfTest = new BatterySelfTestResult(point.At.AddDays(3), "ups", "ok", "Done and error");
        var history = BatteryReport.BuildHistory(await h.Health.LoadAsync(CancellationToken.None), [], [selfTest]);
        Assert.Equal([BatteryHealthPoint.Outage, BatteryHealthPoint.SelfTest], history.Select(p => p.Source));
        Assert.Equal(BatterySelfTestOutcome.Failed, history[1].Outcome);
    }

    [Theory]
    [InlineData("ok", "Done and passed", "passed")]
    [InlineData("ok", "Done and warning", "warning")]
    [InlineData("ok", "Done and error", "failed")]
    [InlineData("ok", "Aborted", "failed")]
    [InlineData("refused", "not started: the NUT user may not run test.battery.start", "failed")]
    public void A_self_test_result_is_passed_warning_or_failed(string command, string result, string outcome) =>
        Assert.Equal(outcome, BatterySelfTestOutcome.Of(new BatterySelfTestResult(Now, "ups", command, result)));
}
