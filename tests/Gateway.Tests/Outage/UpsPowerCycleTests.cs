using Gateway.Drivers.Devices;
using Gateway.Readings;
using Gateway.Shutdown;
using Gateway.Shutdown.PowerCycle;
using Gateway.Tests.Shutdown;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Outage;

public sealed class UpsPowerCycleTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero));
    private readonly EventBus _events = new(NullLogger<EventBus>.Instance);
    private readonly FakeDeviceDriver _ups = new("ups", DeviceKind.Ups, "beeper.enable", "shutdown.return");
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-pc-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private UpsPowerCycle Cycle() => new("ups", id => id == _ups.DeviceId ? _ups : null, _time, NullLogger.Instance, _events);

    private UpsPowerCycle PersistentCycle(string device = "ups") =>
        new(device, id => id == _ups.DeviceId ? _ups : null, _time, NullLogger.Instance, _events, new PowerCycleArmStore(_dir));

    [Fact]
    public async Task Armed_it_sends_shutdown_return_straight_to_the_driver_after_the_delay()
    {
        var cycle = Cycle();
        using var sub = _events.Subscribe("t");
        cycle.Arm(TimeSpan.FromSeconds(15), "test");
        Assert.True(cycle.Armed);
        _time.Advance(TimeSpan.FromSeconds(14));
        await Task.Delay(50);
        Assert.Empty(_ups.Executed);
        _time.Advance(TimeSpan.FromSeconds(1));
        var result = await cycle.Sent.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(DeviceCommandStatus.Ok, result.Status);
        Assert.Equal(["shutdown.return"], _ups.Executed);
        Assert.False(cycle.Armed);
        Assert.True(sub.Reader.TryRead(out var e));
        Assert.Equal(EventKinds.UpsPowerCycle, e.Kind);
        Assert.Contains("restore it when mains returns", e.Message);
    }

    [Fact]
    public async Task A_refusing_driver_is_retried_and_reported_as_critical()
    {
        _ups.Result = DeviceCommandResult.Unavailable("ups is not connected");
        var cycle = Cycle();
        using var sub = _events.Subscribe("t");
        cycle.Arm(TimeSpan.Zero, "test");
        var result = await VirtualTime.RunAsync(_time, cycle.Sent);
        Assert.Equal(DeviceCommandStatus.Unavailable, result.Status);
        Assert.Equal(3, _ups.Executed.Count);
        Assert.True(sub.Reader.TryRead(out var e));
        Assert.Equal(EventSeverity.Critical, e.Severity);
        Assert.Contains("start them by hand", e.Message);
    }

    [Fact]
    public async Task A_cancelled_shutdown_disarms_it()
    {
        var cycle = Cycle();
        await cycle.StartAsync(CancellationToken.None);
        cycle.Arm(TimeSpan.FromSeconds(15), "test");
        _events.Publish(new GatewayEvent(_time.GetUtcNow(), EventKinds.ShutdownCancelled, EventSeverity.Warning, "power back"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (cycle.Armed && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.False(cycle.Armed);
        _time.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(50);
        Assert.Empty(_ups.Executed);
        await cycle.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Stopping_the_gateway_holds_the_stop_until_the_armed_command_is_sent()
    {
        var cycle = Cycle();
        cycle.Arm(TimeSpan.FromMinutes(5), "test");
        var stopping = cycle.StoppingAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(stopping.IsCompleted);
        // Held at most HoldOnStop, not the whole five minutes.
        await VirtualTime.RunAsync(_time, stopping, limit: UpsPowerCycle.HoldOnStop + TimeSpan.FromSeconds(1));
        Assert.Equal(["shutdown.return"], _ups.Executed);
        Assert.Equal(DeviceCommandStatus.Ok, (await cycle.Sent).Status);
    }

    [Fact]
    public async Task Stopping_without_an_armed_cycle_sends_nothing()
    {
        await Cycle().StoppingAsync(CancellationToken.None);
        Assert.Empty(_ups.Executed);
    }

    [Fact]
    public async Task The_sequence_arms_it_just_before_the_local_poweroff_and_a_dry_run_only_says_so()
    {
        var o = TestConfig.Load("""
            shutdown:
              nut_fsd: { enabled: false }
              local: { enabled: true, command: "systemctl poweroff", final_delay: 5s }
              power_cycle: { delay: 20s }
            """).Shutdown;
        var cycle = Cycle();
        var steps = ShutdownSequence.BuildSteps(o, null, "ups", powerCycle: cycle);
        Assert.Equal(["sync", "power_cycle", "local"], steps.Select(s => s.Name));

        var exec = new FakeCommandExecutor(_time);
        var dry = await VirtualTime.RunAsync(_time, new ShutdownSequence(steps, o.PointOfNoReturn, exec, _time, NullLogger.Instance)
            .RunAsync(new ShutdownRequest("test", "rehearsal", DryRun: true, Persist: false), CancellationToken.None));
        Assert.Contains("would send shutdown.return to UPS 'ups' 25s from now", dry.Steps[1].Detail);
        Assert.False(cycle.Armed);

        var real = await VirtualTime.RunAsync(_time, new ShutdownSequence(steps, o.PointOfNoReturn, exec, _time, NullLogger.Instance)
            .RunAsync(new ShutdownRequest("runtime", "runtime low", DryRun: false, Persist: false), CancellationToken.None));
        Assert.Equal(ShutdownOutcomes.Ok, real.Steps[1].Outcome);
        Assert.StartsWith("armed:", real.Steps[1].Detail);
        Assert.Equal(["sync", "systemctl poweroff"], exec.Commands);
        // Armed before the poweroff ran; due final_delay + delay after arming.
        await VirtualTime.RunAsync(_time, cycle.Sent);
        Assert.Equal(["shutdown.return"], _ups.Executed);
    }

    [Fact]
    public void Power_cycle_can_be_turned_off()
    {
        var o = TestConfig.Load("shutdown:\n  power_cycle: { enabled: false }\n").Shutdown;
        Assert.DoesNotContain("power_cycle", ShutdownSequence.BuildSteps(o, null, "ups", powerCycle: Cycle()).Select(s => s.Name));
        Assert.False(o.PowerCycle.Enabled);
        Assert.True(TestConfig.Load("shutdown:\n  sync: true\n").Shutdown.PowerCycle.Enabled);
    }

    [Fact]
    public async Task An_armed_cycle_survives_a_restart_of_the_gateway_and_is_sent_when_due()
    {
        var before = PersistentCycle();
        await before.ArmAsync(TimeSpan.FromSeconds(30), "runtime low", CancellationToken.None);
        var path = Path.Combine(_dir, PowerCycleArmStore.FileName);
        Assert.True(File.Exists(path));
        before.Dispose(); // the gateway restarts before the command was sent

        _time.Advance(TimeSpan.FromSeconds(10));
        var after = PersistentCycle();
        await after.StartAsync(CancellationToken.None);
        Assert.True(after.Armed);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 6, 0, 30, TimeSpan.Zero), after.DueAt);
        _time.Advance(TimeSpan.FromSeconds(19));
        await Task.Delay(50);
        Assert.Empty(_ups.Executed);
        var result = await VirtualTime.RunAsync(_time, after.Sent);
        Assert.Equal(DeviceCommandStatus.Ok, result.Status);
        Assert.Equal(["shutdown.return"], _ups.Executed);
        Assert.False(File.Exists(path));
        await after.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task An_overdue_arm_is_sent_at_once_after_a_restart_and_a_stale_one_is_dropped()
    {
        using (var stopped = PersistentCycle()) await stopped.ArmAsync(TimeSpan.FromSeconds(5), "test", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(20)); // stopped before the command; back 15 s after it was due
        var late = PersistentCycle();
        await late.RestoreAsync(CancellationToken.None);
        Assert.True(late.Armed);
        Assert.Equal(_time.GetUtcNow() + UpsPowerCycle.RestoreGrace, late.DueAt);
        await VirtualTime.RunAsync(_time, late.Sent);
        Assert.Equal(["shutdown.return"], _ups.Executed);

        using (var stopped = PersistentCycle()) await stopped.ArmAsync(TimeSpan.FromSeconds(5), "test", CancellationToken.None);
        _time.Advance(UpsPowerCycle.RestoreLimit + TimeSpan.FromMinutes(10)); // a boot long after: mains may be back
        var stale = PersistentCycle();
        await stale.RestoreAsync(CancellationToken.None);
        Assert.False(stale.Armed);
        Assert.False(File.Exists(Path.Combine(_dir, PowerCycleArmStore.FileName)));
        Assert.Single(_ups.Executed);
    }

    [Fact]
    public async Task A_disarmed_cycle_is_not_re_armed_after_a_restart_nor_one_for_another_ups()
    {
        var cycle = PersistentCycle();
        await cycle.ArmAsync(TimeSpan.FromSeconds(30), "test", CancellationToken.None);
        Assert.True(cycle.Disarm());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var path = Path.Combine(_dir, PowerCycleArmStore.FileName);
        while (File.Exists(path) && DateTime.UtcNow < deadline) await Task.Delay(10);
        var after = PersistentCycle();
        await after.RestoreAsync(CancellationToken.None);
        Assert.False(after.Armed);

        using (var stopped = PersistentCycle()) await stopped.ArmAsync(TimeSpan.FromSeconds(30), "test", CancellationToken.None);
        var other = PersistentCycle("other-ups");
        await other.RestoreAsync(CancellationToken.None);
        Assert.False(other.Armed);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task An_unreadable_arm_file_is_moved_aside_and_nothing_is_armed()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, PowerCycleArmStore.FileName), "{ not json");
        var cycle = PersistentCycle();
        await cycle.RestoreAsync(CancellationToken.None);
        Assert.False(cycle.Armed);
        Assert.Contains(Directory.GetFiles(_dir), f => Path.GetFileName(f).StartsWith(PowerCycleArmStore.FileName + ".corrupt-", StringComparison.Ordinal));
    }
}
