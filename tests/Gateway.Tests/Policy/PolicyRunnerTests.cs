using Gateway.Tests.Support;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Shutdown;
using Gateway.Tests.Shutdown;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Policy;

/// <summary>The runner with a real hub, event bus and sequence (fake commands), in virtual time, with state files in a temp data_dir.</summary>
public sealed class PolicyRunnerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-runner-").FullName;
    private readonly EventBus _events = new(NullLogger<EventBus>.Instance);
    private readonly ReadingHub _hub;
    private readonly GatewayConfig _config;
    private readonly FakeCommandExecutor _exec;

    public PolicyRunnerTests()
    {
        _hub = new ReadingHub(_time, NullLogger<ReadingHub>.Instance);
        _hub.Register("ups", "nut", DeviceKind.Ups);
        _config = TestConfig.Load($"""
            gateway: {"{"} data_dir: {_dir} {"}"}
            devices:
              - {"{"} id: ups, type: nut, ups: dummy, poll_interval: 2s {"}"}
            policy: {"{"} protect: ups {"}"}
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
        // A background save of the battery history may still be finishing.
        for (var i = 0; ; i++)
        {
            try { Directory.Delete(_dir, true); return; }
            catch (IOException) when (i < 50) { Thread.Sleep(20); }
        }
    }

    private PolicyRunner Runner() => new(_config, _hub, _events,
        new ShutdownSequence(ShutdownSequence.BuildSteps(_config.Shutdown, null, "ups"), _config.Shutdown.PointOfNoReturn, _exec, _time, NullLogger.Instance, _events, new ShutdownStateStore(_dir)),
        _time, NullLogger<PolicyRunner>.Instance);

    private void Publish(PolicyRunner runner, string status, double charge, double runtime)
    {
        var r = PolicyHarness.Reading(new UpsSample(status, charge, runtime), _time.GetUtcNow());
        _hub.Publish(r);
        runner.Handle(new ReadingPublished(r));
    }

    private List<GatewayEvent> Drain(EventSubscription sub)
    {
        var list = new List<GatewayEvent>();
        while (sub.Reader.TryRead(out var e)) list.Add(e);
        return list;
    }

    [Fact]
    public void A_ups_without_a_runtime_or_an_estimate_is_told_once_with_the_key_that_fixes_it()
    {
        var log = new ListLogger<PolicyRunner>();
        var runner = new PolicyRunner(_config, _hub, _events,
            new ShutdownSequence(ShutdownSequence.BuildSteps(_config.Shutdown, null, "ups"), _config.Shutdown.PointOfNoReturn, _exec, _time, NullLogger.Instance, _events, new ShutdownStateStore(_dir)),
            _time, log);
        // dummy-ups says WAIT with no data while it starts: that says nothing about the UPS yet.
        var waiting = PolicyHarness.Reading(new UpsSample("WAIT"), _time.GetUtcNow());
        runner.Handle(new ReadingPublished(waiting));
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("critical_runtime cannot fire", StringComparison.Ordinal));
        for (var i = 0; i < 3; i++)
        {
            var r = PolicyHarness.Reading(new UpsSample(i == 2 ? "OB DISCHRG" : "OL", 90), _time.GetUtcNow());
            runner.Handle(new ReadingPublished(r));
            _time.Advance(TimeSpan.FromSeconds(2));
        }
        var told = Assert.Single(log.Lines, l => l.Message.Contains("critical_runtime cannot fire", StringComparison.Ordinal));
        Assert.Contains("set runtimecal: RUNTIME_HIGH,LOAD_HIGH,RUNTIME_LOW,LOAD_LOW on device 'ups'", told.Message);

        // A UPS that reports its runtime is not told.
        var reporting = new ListLogger<PolicyRunner>();
        var other = new PolicyRunner(_config, _hub, _events,
            new ShutdownSequence(ShutdownSequence.BuildSteps(_config.Shutdown, null, "ups"), _config.Shutdown.PointOfNoReturn, _exec, _time, NullLogger.Instance, _events, new ShutdownStateStore(_dir)),
            _time, reporting);
        other.Handle(new ReadingPublished(PolicyHarness.Reading(new UpsSample("OL", 90, 1800), _time.GetUtcNow())));
        Assert.DoesNotContain(reporting.Lines, l => l.Message.Contains("critical_runtime cannot fire", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_trigger_runs_the_sequence_and_the_status_follows()
    {
        using var sub = _events.Subscribe("t");
        var runner = Runner();
        Publish(runner, "OL CHRG", 100, 1800);
        Assert.Equal(PolicyState.Normal, runner.Current.State);
        // The outage is confirmed by OB readings spanning on_battery_delay (5 s), the runtime by 3 readings in a row.
        for (var i = 0; i <= 5; i++)
        {
            Assert.Equal(PolicyState.Normal, runner.Current.State);
            Publish(runner, "OB DISCHRG", 90, 300);
            if (i < 5) _time.Advance(TimeSpan.FromSeconds(1));
        }
        runner.Tick();
        Assert.Equal(PolicyState.ShutdownPending, runner.Current.State);
        Assert.Contains("runtime", runner.Current.LastDecision);
        await VirtualTime.RunAsync(_time, runner.SequenceTask!);

        Assert.Equal(["sync", "systemctl poweroff"], _exec.Commands);
        Assert.Equal(PolicyState.ShuttingDown, runner.Current.State);
        var events = Drain(sub);
        var trigger = Assert.Single(events, e => e.Kind == EventKinds.TriggerFired);
        Assert.Equal("runtime", trigger.Data!["trigger"]);
        Assert.Equal("300", trigger.Data["runtime_left_s"]);
        Assert.Contains(events, e => e.Kind == EventKinds.ShutdownFinished);
        var saved = await new ShutdownStateStore(_dir).LoadAsync(CancellationToken.None);
        Assert.True(saved!.Finished);
    }

    [Fact]
    public async Task Power_back_before_the_point_of_no_return_cancels_and_announces()
    {
        using var sub = _events.Subscribe("t");
        _exec.Hang("sync");
        var runner = Runner();
        // Evidence, not one sample: the low charge must be seen in readings spanning the confirmation, and power
        // is back only after power_back_readings (3) OL readings in a row.
        for (var i = 0; i <= 6; i++)
        {
            Publish(runner, "OB DISCHRG", 15, 1200);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        runner.Tick();
        await Wait.UntilAsync(() => _exec.Commands.Contains("sync"), "the sequence reaching its sync step");
        for (var i = 0; i < 3; i++)
        {
            Publish(runner, "OL CHRG", 15, 1200);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        await VirtualTime.RunAsync(_time, runner.SequenceTask!);

        Assert.Equal(PolicyState.Normal, runner.Current.State);
        Assert.DoesNotContain("systemctl poweroff", _exec.Commands);
        var cancelled = Assert.Single(Drain(sub), e => e.Kind == EventKinds.ShutdownCancelled);
        Assert.Contains("cancelled", cancelled.Message);
        var saved = await new ShutdownStateStore(_dir).LoadAsync(CancellationToken.None);
        Assert.True(saved!.Cancelled);
    }

    [Fact]
    public async Task A_restart_resumes_an_interrupted_sequence_without_firing_again()
    {
        var done = new ShutdownStepResult("sync", ShutdownOutcomes.Ok, "sync: exit code 0", TimeSpan.FromSeconds(1));
        await new ShutdownStateStore(_dir).SaveAsync(new ShutdownProgress("runtime", "runtime 5m below 10m", false, _time.GetUtcNow(), false, [done], null, BootId: BootId.Current), CancellationToken.None);
        using var sub = _events.Subscribe("t");
        var runner = Runner();
        await runner.RestoreAsync(CancellationToken.None);
        Assert.Equal(PolicyState.ShutdownPending, runner.Current.State);
        await VirtualTime.RunAsync(_time, runner.SequenceTask!);

        Assert.Equal(["systemctl poweroff"], _exec.Commands);
        Publish(runner, "OB DISCHRG", 10, 100);
        _time.Advance(TimeSpan.FromSeconds(10));
        runner.Tick();
        var events = Drain(sub);
        Assert.DoesNotContain(events, e => e.Kind == EventKinds.TriggerFired);
        Assert.Contains(events, e => e.Kind == EventKinds.ShutdownStarted && e.Data!.ContainsKey("resumed"));
    }

    [Fact]
    public async Task A_sequence_from_an_earlier_boot_is_not_resumed()
    {
        await new ShutdownStateStore(_dir).SaveAsync(new ShutdownProgress("runtime", "r", false, _time.GetUtcNow(), true, [], null, BootId: "an-earlier-boot"), CancellationToken.None);
        var runner = Runner();
        await runner.RestoreAsync(CancellationToken.None);
        Assert.Null(runner.SequenceTask);
        Assert.Equal(PolicyState.Normal, runner.Current.State);
        Assert.Empty(_exec.Commands);
        var saved = await new ShutdownStateStore(_dir).LoadAsync(CancellationToken.None);
        Assert.True(saved!.Cancelled);
    }

    [Fact]
    public async Task The_outage_and_battery_history_survive_a_restart()
    {
        var first = Runner();
        Publish(first, "OB DISCHRG", 95, 3000);
        var path = Path.Combine(_dir, PolicyMemoryStore.FileName);
        await Wait.UntilAsync(() => File.Exists(path), $"{path} written");
        var since = first.Current.OnBatterySince;
        Assert.NotNull(since);

        _time.Advance(TimeSpan.FromSeconds(30));
        var second = Runner();
        await second.RestoreAsync(CancellationToken.None);
        Publish(second, "OB DISCHRG", 94, 2900);
        Assert.Equal(since, second.Current.OnBatterySince);
        Assert.Equal(PolicyState.OnBattery, second.Current.State);
    }

    // --- A configuration applied live (PolicyRunner.Reconfigure): the safety invariant of a live apply. New policy
    // settings apply at once while the policy is normal, and wait while an outage or a shutdown sequence is under way;
    // nothing is cancelled, restarted or re-armed and the outage state stays.

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

    [Fact]
    public async Task The_clock_tick_rides_the_shared_second_tick_and_the_loop_beats_on_it()
    {
        var time = new SignalingTimeProvider(_time.GetUtcNow());
        var hub = new ReadingHub(time, NullLogger<ReadingHub>.Instance);
        hub.Register("ups", "nut", DeviceKind.Ups);
        var tick = new SecondTick(time, NullLogger.Instance);
        var other = 0;
        var freshness = tick.Subscribe("freshness", () => { Interlocked.Increment(ref other); return Task.CompletedTask; });
        var loops = new LoopMonitor(time);
        loops.Register(PolicyRunner.LoopName, TimeSpan.FromMilliseconds(500));
        var runner = new PolicyRunner(_config, hub, _events,
            new ShutdownSequence(ShutdownSequence.BuildSteps(_config.Shutdown, null, "ups"), _config.Shutdown.PointOfNoReturn, _exec, time, NullLogger.Instance, _events, new ShutdownStateStore(_dir)),
            time, NullLogger<PolicyRunner>.Instance, heartbeat: loops, tick: tick);
        await runner.StartAsync(CancellationToken.None);
        try
        {
            // The policy adds no timer of its own: the shared one is the only 1 s timer.
            await Wait.UntilAsync(() => time.PendingDueTimes.Count(d => d == SecondTick.Interval) == 1, "the shared tick is armed");
            for (var i = 1; i <= 3; i++)
            {
                time.Advance(SecondTick.Interval);
                // No reading comes: only the tick can wake the loop, and it beats when it does (the watchdog sees it alive).
                await Wait.UntilAsync(() => loops.Hung().Count == 0 && Volatile.Read(ref other) == i, $"tick {i} woke the policy loop and the other subscriber");
                Assert.Equal(1, time.PendingDueTimes.Count(d => d == SecondTick.Interval));
            }
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }
        // Stopped, the policy no longer holds the tick: with the other subscriber gone too, the timer goes.
        freshness.Dispose();
        Assert.DoesNotContain(SecondTick.Interval, time.PendingDueTimes);
    }

    private sealed class BeatCounter : ILoopHeartbeat
    {
        public int Beats;
        public string? Thread;
        public void Beat(string loop)
        {
            Interlocked.Increment(ref Beats);
            Volatile.Write(ref Thread, System.Threading.Thread.CurrentThread.Name);
        }
    }

    [Fact]
    public async Task The_policy_runs_on_its_own_thread_a_reading_wakes_it_and_it_ticks_by_itself_when_the_shared_tick_stalls()
    {
        // The shared tick runs on a clock nobody advances: it never fires, as if a subscriber held its thread.
        var stalled = new SecondTick(new FakeTimeProvider(), NullLogger.Instance);
        var beats = new BeatCounter();
        var runner = new PolicyRunner(_config, _hub, _events,
            new ShutdownSequence(ShutdownSequence.BuildSteps(_config.Shutdown, null, "ups"), _config.Shutdown.PointOfNoReturn, _exec, _time, NullLogger.Instance, _events, new ShutdownStateStore(_dir)),
            _time, NullLogger<PolicyRunner>.Instance, heartbeat: beats, tick: stalled);
        await runner.StartAsync(CancellationToken.None);
        try
        {
            await Wait.UntilAsync(() => Volatile.Read(ref beats.Beats) >= 1, "the policy loop started");
            Assert.Equal("policy", Volatile.Read(ref beats.Thread));
            // A reading of the protected UPS, published to the hub only, reaches the policy on its thread.
            _hub.Publish(PolicyHarness.Reading(new UpsSample("OB DISCHRG", 90, 1800), _time.GetUtcNow()));
            await Wait.UntilAsync(() => runner.Current.RuntimeSeconds == 1800, "the policy saw the reading");
            // No tick and no reading: the loop still wakes (and beats) every FallbackTick.
            var before = Volatile.Read(ref beats.Beats);
            await Wait.UntilAsync(() => Volatile.Read(ref beats.Beats) >= before + 2, "the policy ticked by itself twice", TimeSpan.FromSeconds(4 * PolicyRunner.FallbackTick.TotalSeconds));
        }
        finally
        {
            await runner.StopAsync(CancellationToken.None);
        }
        Assert.True(runner.ExecuteTask!.IsCompletedSuccessfully, "the policy's thread ended cleanly at stop");
    }
}
