using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Shutdown;
using Gateway.Tests.Policy;
using Gateway.Tests.Shutdown;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.LiveApply;

/// <summary>
/// The safety invariant of a live apply: new policy settings apply at once while the policy is normal, and wait while
/// an outage or a shutdown sequence is under way; nothing is cancelled, restarted or re-armed and the outage state
/// stays. Virtual time, a real hub, event bus and sequence (fake commands).
/// </summary>
public sealed class PolicyApplyTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly TempDir _dir = new("gw-policy-apply");
    private readonly EventBus _events = new(NullLogger<EventBus>.Instance);
    private readonly ReadingHub _hub;
    private readonly GatewayConfig _config;
    private readonly FakeCommandExecutor _exec;

    public PolicyApplyTests()
    {
        _hub = new ReadingHub(_time, NullLogger<ReadingHub>.Instance);
        _hub.Register("ups", "nut", DeviceKind.Ups);
        _config = TestConfig.Load($"""
            gateway: {"{"} data_dir: {_dir.Path} {"}"}
            devices:
              - {"{"} id: ups, type: nut, ups: dummy, poll_interval: 2s {"}"}
            policy: {"{"} protect: ups, low_battery_percent: 20 {"}"}
            shutdown:
              sync: true
              nut_fsd: {"{"} enabled: false {"}"}
              local: {"{"} enabled: true, command: "systemctl poweroff", final_delay: 5s {"}"}
              point_of_no_return: local
            """);
        _exec = new FakeCommandExecutor(_time);
    }

    public void Dispose()
    {
        for (var i = 0; ; i++)
        {
            try { _dir.Dispose(); return; }
            catch (IOException) when (i < 50) { Thread.Sleep(20); }
        }
    }

    private PolicyRunner Runner() => new(_config, _hub, _events,
        new ShutdownSequence(ShutdownSequence.BuildSteps(_config.Shutdown, null, "ups"), _config.Shutdown.PointOfNoReturn, _exec, _time, NullLogger.Instance, _events, new ShutdownStateStore(_dir.Path)),
        _time, NullLogger<PolicyRunner>.Instance);

    private void Publish(PolicyRunner runner, string status, double charge, double runtime = 3000)
    {
        var r = PolicyHarness.Reading(new UpsSample(status, charge, runtime), _time.GetUtcNow());
        _hub.Publish(r);
        runner.Handle(new ReadingPublished(r));
    }

    /// <summary>A second of readings, <paramref name="seconds"/> times.</summary>
    private void Feed(PolicyRunner runner, string status, double charge, int seconds, double runtime = 3000)
    {
        for (var i = 0; i < seconds; i++)
        {
            Publish(runner, status, charge, runtime);
            _time.Advance(TimeSpan.FromSeconds(1));
            runner.Tick();
        }
    }

    private PolicyOptions Stricter => _config.Policy with { LowBatteryPercent = 60 };

    [Fact]
    public void While_normal_new_thresholds_apply_at_once_and_decide_the_next_outage()
    {
        using var sub = _events.Subscribe("t");
        var runner = Runner();
        Feed(runner, "OL CHRG", 100, 3);
        Assert.True(runner.Reconfigure(Stricter, TimeSpan.FromSeconds(2), dryRun: true));
        Assert.False(runner.SettingsPending);
        Assert.True(runner.Current.DryRun);

        // 50 % is above the old 20 % but below the new 60 %: the new threshold fires.
        Feed(runner, "OB DISCHRG", 50, 12);
        Assert.Equal(PolicyState.ShutdownPending, runner.Current.State);
        Assert.Contains("charge", runner.Current.LastDecision);
    }

    [Fact]
    public void During_an_outage_new_settings_wait_and_the_outage_keeps_its_state_and_rules()
    {
        using var sub = _events.Subscribe("t");
        var runner = Runner();
        Feed(runner, "OL CHRG", 100, 3);
        Feed(runner, "OB DISCHRG", 50, 8);
        Assert.Equal(PolicyState.OnBattery, runner.Current.State);
        var since = runner.Current.OnBatterySince;

        Assert.False(runner.Reconfigure(Stricter, TimeSpan.FromSeconds(2), dryRun: false));
        Assert.True(runner.SettingsPending);
        Feed(runner, "OB DISCHRG", 50, 20);
        // The old 20 % still rules this outage: 50 % fires nothing, and the outage is the same one.
        Assert.Equal(PolicyState.OnBattery, runner.Current.State);
        Assert.Equal(since, runner.Current.OnBatterySince);
        Assert.DoesNotContain(Drain(sub), e => e.Kind == EventKinds.TriggerFired);

        Feed(runner, "OL CHRG", 60, 4);
        Assert.Equal(PolicyState.Normal, runner.Current.State);
        Assert.False(runner.SettingsPending);
        Assert.False(runner.Current.DryRun);
    }

    [Fact]
    public async Task During_a_shutdown_sequence_an_apply_neither_cancels_nor_restarts_it()
    {
        using var sub = _events.Subscribe("t");
        _exec.Hang("sync");
        var runner = Runner();
        Feed(runner, "OL CHRG", 100, 3);
        Feed(runner, "OB DISCHRG", 15, 10);
        Assert.Equal(PolicyState.ShutdownPending, runner.Current.State);
        await Wait.UntilAsync(() => _exec.Commands.Contains("sync"), "the sequence reaching its sync step");
        var sequence = runner.SequenceTask!;

        // Settings under which nothing would have fired, and dry run on: they must not touch the sequence under way.
        Assert.False(runner.Reconfigure(_config.Policy with { LowBatteryPercent = 5 }, TimeSpan.FromSeconds(2), dryRun: true));
        Feed(runner, "OB DISCHRG", 15, 5);
        Assert.Same(sequence, runner.SequenceTask);
        Assert.False(sequence.IsCompleted);
        Assert.Equal(PolicyState.ShutdownPending, runner.Current.State);
        Assert.False(runner.Current.DryRun);
        Assert.True(runner.SettingsPending);
        var events = Drain(sub);
        Assert.Single(events, e => e.Kind == EventKinds.TriggerFired);
        Assert.DoesNotContain(events, e => e.Kind == EventKinds.ShutdownCancelled);
    }

    private static List<GatewayEvent> Drain(EventSubscription sub)
    {
        var list = new List<GatewayEvent>();
        while (sub.Reader.TryRead(out var e)) list.Add(e);
        return list;
    }
}
