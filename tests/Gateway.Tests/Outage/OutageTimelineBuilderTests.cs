using Gateway.Readings;
using Gateway.Shutdown.Restore;
using Gateway.Storage;
using Gateway.Web;

namespace Gateway.Tests.Outage;

public class OutageTimelineBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);

    private static GatewayEvent Ev(double seconds, string kind, Dictionary<string, string>? data = null, string? device = null) =>
        new(T0.AddSeconds(seconds), kind, EventSeverity.Info, $"{kind} message", device, data);

    [Fact]
    public void TheEventsOfTheOutageBecomeAnOrderedTimelineWithOffsetsAndStepDurations()
    {
        var outage = new OutageRecord { StartedAt = T0, PowerBackAt = T0.AddMinutes(5), Trigger = "runtime" };
        var events = new[]
        {
            Ev(-600, EventKinds.PowerLost),                                   // an earlier outage: not this one
            Ev(300, EventKinds.PowerRestored),
            Ev(0, EventKinds.PowerLost),
            Ev(120, EventKinds.TriggerFired, new() { ["trigger"] = "runtime", ["dry_run"] = "false" }),
            Ev(121, EventKinds.ShutdownStarted, new() { ["trigger"] = "runtime", ["dry_run"] = "false" }),
            Ev(130, EventKinds.ShutdownStep, new() { ["step"] = "ssh:nas", ["outcome"] = "ok", ["seconds"] = "8.5" }),
            Ev(131, EventKinds.DeviceLost, device: "meter"),                  // another device's link: not the UPS's story
            Ev(132, EventKinds.DeviceLost, device: "ups"),
            Ev(60, EventKinds.LoadShed, new() { ["name"] = "plex", ["outcome"] = "ok", ["seconds"] = "3.0" }),
            Ev(100, EventKinds.Alarm),                                        // not a timeline kind
            Ev(900, EventKinds.ServiceStarted),
        };
        var runtime = new[] { new HistoryPoint(T0, 1800), new HistoryPoint(T0.AddMinutes(1), 1500) };

        var t = OutageTimelineBuilder.Build(outage, live: true, "ups", events, runtime, T0.AddMinutes(10));

        Assert.True(t.Outage);
        Assert.True(t.Live);
        Assert.Equal("events", t.Source);
        Assert.Equal("runtime", t.Trigger);
        Assert.Equal(
            [EventKinds.PowerLost, EventKinds.LoadShed, EventKinds.TriggerFired, EventKinds.ShutdownStarted, EventKinds.ShutdownStep, EventKinds.DeviceLost, EventKinds.PowerRestored],
            t.Entries.Select(e => e.Kind));
        var step = t.Entries.Single(e => e.Kind == EventKinds.ShutdownStep);
        Assert.Equal(("Step ssh:nas", "ok", 8.5, 130.0), (step.Title, step.Outcome, step.Seconds, step.OffsetSeconds));
        Assert.Equal(3.0, t.Entries.Single(e => e.Kind == EventKinds.LoadShed).Seconds);
        Assert.Null(t.Entries.Single(e => e.Kind == EventKinds.TriggerFired).Seconds);
        Assert.Equal("Trigger: runtime", t.Entries.Single(e => e.Kind == EventKinds.TriggerFired).Title);
        Assert.Equal(300, t.Entries[^1].OffsetSeconds);
        Assert.Equal([1800.0, 1500.0], t.Runtime.Select(p => p.Value));
    }

    [Fact]
    public void ADryRunSaysSoInItsTitles()
    {
        var outage = new OutageRecord { StartedAt = T0 };
        var t = OutageTimelineBuilder.Build(outage, true, "ups",
            [Ev(0, EventKinds.PowerLost), Ev(12, EventKinds.TriggerFired, new() { ["trigger"] = "max_time_on_battery", ["dry_run"] = "true" }),
             Ev(12.1, EventKinds.ShutdownStarted, new() { ["dry_run"] = "true" })], [], T0.AddMinutes(1));
        Assert.Equal("dry_run", t.Entries[1].Outcome);
        Assert.Equal("Shutdown started (dry run)", t.Entries[2].Title);
    }

    [Fact]
    public void WithoutEventsTheRecordsOwnStepsAndTimesAreUsed()
    {
        var outage = new OutageRecord
        {
            StartedAt = T0, PowerBackAt = T0.AddMinutes(50), EndedAt = T0.AddMinutes(55), StartCharge = 100,
            Steps = [new("shed:plex", "ok", T0.AddMinutes(2), 3), new("ssh:nas", "ok", T0.AddMinutes(38), 41), new("wake:nas", "woken", T0.AddMinutes(54), 48)],
        };
        var t = OutageTimelineBuilder.Build(outage, false, "ups", [], [], T0.AddHours(2));
        Assert.Equal("record", t.Source);
        Assert.False(t.Live);
        Assert.Equal([EventKinds.PowerLost, EventKinds.LoadShed, EventKinds.ShutdownStep, EventKinds.PowerRestored, EventKinds.PowerRestore], t.Entries.Select(e => e.Kind));
        Assert.Contains("100 % charge", t.Entries[0].Detail);
        Assert.Equal(41, t.Entries[2].Seconds);
        Assert.Equal(3000, t.Entries[3].OffsetSeconds);
    }
}
