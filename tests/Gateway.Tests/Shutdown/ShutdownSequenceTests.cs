using Gateway.Tests.Support;
using Gateway.Configuration;
using Gateway.Readings;
using Gateway.Shutdown;
using Gateway.Shutdown.Steps;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Shutdown;

public sealed class ShutdownSequenceTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-seq-").FullName;
    private readonly EventBus _events = new(NullLogger<EventBus>.Instance);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string MountTable(params string[] mounted)
    {
        var path = Path.Combine(_dir, "mounts");
        File.WriteAllLines(path, mounted.Select(m => $"server:/export {m.Replace(" ", "\\040")} nfs4 rw,relatime 0 0").Prepend("/dev/root / ext4 rw 0 0"));
        return path;
    }

    private ShutdownOptions Options(string yaml = "") =>
        TestConfig.Load("shutdown:\n" + (yaml.Length == 0 ? "  sync: true\n" : yaml)).Shutdown;

    private IReadOnlyList<IShutdownStep> AllSteps(FakeFsdSignal? fsd = null, string mountTable = "")
    {
        var o = Options("""
              vms: { enabled: true, wait: 30s }
              containers: { enabled: true, timeout: 20s }
              unmounts:
                - { path: /mnt/nas, options: "-l", timeout: 15s }
                - { path: /mnt/backup, timeout: 10s }
              nut_fsd: { enabled: true, hostsync: 15s }
              local: { enabled: true, command: "systemctl poweroff", final_delay: 5s }
            """);
        return
        [
            new VmShutdownStep(o.Vms), new ContainerStopStep(o.Containers), new SyncStep(),
            new UnmountStep(o.Unmounts[0], mountTable), new UnmountStep(o.Unmounts[1], mountTable),
            new NutFsdStep(o.NutFsd, fsd ?? new FakeFsdSignal(1, 2), "ups"), new LocalPoweroffStep(o.Local),
        ];
    }

    private ShutdownSequence Sequence(IReadOnlyList<IShutdownStep> steps, ICommandExecutor exec, string ponr = "nut_fsd", ShutdownStateStore? store = null) =>
        new(steps, ponr, exec, _time, NullLogger.Instance, _events, store);

    private static readonly string[] AllNames = ["vms", "containers", "sync", "unmount:/mnt/nas", "unmount:/mnt/backup", "nut_fsd", "local"];

    [Fact]
    public async Task Steps_run_in_order_and_each_is_announced()
    {
        var exec = new FakeCommandExecutor(_time).Succeed("virsh list", "").Succeed("docker ps", "abc\ndef\n");
        using var sub = _events.Subscribe("test");
        var summary = await VirtualTime.RunAsync(_time, Sequence(AllSteps(mountTable: MountTable("/mnt/nas", "/mnt/backup")), exec)
            .RunAsync(new ShutdownRequest("runtime", "runtime low", false), CancellationToken.None));

        Assert.Equal(AllNames, summary.Steps.Select(s => s.Step));
        Assert.All(summary.Steps, s => Assert.Equal(ShutdownOutcomes.Ok, s.Outcome));
        Assert.Equal(["virsh list --name --state-running", "docker ps --quiet", "docker stop --time 20 abc def", "sync", "umount -l /mnt/nas", "umount /mnt/backup", "systemctl poweroff"], exec.Commands);
        var events = new List<GatewayEvent>();
        while (sub.Reader.TryRead(out var e)) events.Add(e);
        Assert.Equal(EventKinds.ShutdownStarted, events[0].Kind);
        Assert.Equal(AllNames, events.Where(e => e.Kind == EventKinds.ShutdownStep).Select(e => e.Data!["step"]));
        Assert.Equal(EventKinds.ShutdownFinished, events[^1].Kind);
    }

    [Fact]
    public async Task A_failed_step_does_not_stop_the_later_steps()
    {
        var exec = new FakeCommandExecutor(_time).Fail("virsh list", 1, "error: failed to connect to the hypervisor").Fail("docker", 125).Fail("umount -l", 32, "target is busy");
        var summary = await VirtualTime.RunAsync(_time, Sequence(AllSteps(mountTable: MountTable("/mnt/nas", "/mnt/backup")), exec)
            .RunAsync(new ShutdownRequest("runtime", "test", false), CancellationToken.None));

        Assert.Equal(AllNames, summary.Steps.Select(s => s.Step));
        Assert.Equal(["failed", "failed", "ok", "failed", "ok", "ok", "ok"], summary.Steps.Select(s => s.Outcome));
        Assert.Contains("target is busy", summary.Steps[3].Detail);
        Assert.Contains("systemctl poweroff", exec.Commands);
    }

    [Fact]
    public async Task A_hanging_command_is_abandoned_at_its_step_budget_and_the_sequence_goes_on()
    {
        var exec = new FakeCommandExecutor(_time).Hang("sync").Hang("umount -l");
        var summary = await VirtualTime.RunAsync(_time, Sequence(AllSteps(mountTable: MountTable("/mnt/nas", "/mnt/backup")), exec)
            .RunAsync(new ShutdownRequest("runtime", "test", false), CancellationToken.None));

        var sync = summary.Steps.Single(s => s.Step == "sync");
        Assert.Equal(ShutdownOutcomes.Timeout, sync.Outcome);
        Assert.InRange(sync.Duration.TotalSeconds, 34.9, 36);
        var nas = summary.Steps.Single(s => s.Step == "unmount:/mnt/nas");
        Assert.Equal(ShutdownOutcomes.Timeout, nas.Outcome);
        Assert.InRange(nas.Duration.TotalSeconds, 19.9, 21);
        Assert.Equal(ShutdownOutcomes.Ok, summary.Steps.Single(s => s.Step == "local").Outcome);
        Assert.Equal(AllNames, summary.Steps.Select(s => s.Step));
    }

    [Fact]
    public async Task Unmount_passes_its_timeout_to_the_executor_and_reports_a_kill()
    {
        var exec = new FakeCommandExecutor(_time).TimeOut("umount");
        var step = AllSteps(mountTable: MountTable("/mnt/nas"))[3];
        var report = await step.RunAsync(new ShutdownStepContext(false, exec, _time, NullLogger.Instance, "t"), CancellationToken.None);
        Assert.Equal(ShutdownOutcomes.Timeout, report.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(15), exec.Calls.Single().Timeout);
        Assert.Contains("killed", report.Detail);
    }

    [Fact]
    public async Task A_path_that_is_not_mounted_is_skipped()
    {
        var exec = new FakeCommandExecutor(_time);
        var step = AllSteps(mountTable: MountTable("/mnt/other"))[3];
        var report = await step.RunAsync(new ShutdownStepContext(false, exec, _time, NullLogger.Instance, "t"), CancellationToken.None);
        Assert.Equal(ShutdownOutcomes.Skipped, report.Outcome);
        Assert.Empty(exec.Calls);
    }

    [Fact]
    public async Task Dry_run_logs_the_exact_commands_and_changes_nothing()
    {
        var exec = new FakeCommandExecutor(_time).Succeed("virsh list", "web\ndb\n").Succeed("docker ps", "c1\n");
        var fsd = new FakeFsdSignal(2, 0);
        var summary = await VirtualTime.RunAsync(_time, Sequence(AllSteps(fsd, MountTable("/mnt/nas", "/mnt/backup")), exec)
            .RunAsync(new ShutdownRequest("manual", "rehearsal", DryRun: true), CancellationToken.None));

        Assert.All(summary.Steps, s => Assert.Equal(ShutdownOutcomes.DryRun, s.Outcome));
        Assert.All(summary.Steps, s => Assert.StartsWith("[DRY-RUN] ", s.Detail));
        Assert.Contains("virsh shutdown web; virsh shutdown db", summary.Steps[0].Detail);
        Assert.Contains("docker stop --time 20 c1", summary.Steps[1].Detail);
        Assert.Contains("umount -l /mnt/nas", summary.Steps[3].Detail);
        Assert.Contains("set FSD on UPS 'ups'", summary.Steps[5].Detail);
        Assert.Contains("systemctl poweroff", summary.Steps[6].Detail);
        // Only read-only listing commands ran; FSD was not set.
        Assert.Equal(["virsh list --name --state-running", "docker ps --quiet"], exec.Commands);
        Assert.Null(fsd.FsdDevice);
    }

    [Fact]
    public async Task Vms_are_shut_down_then_the_stubborn_ones_destroyed_after_the_wait()
    {
        var listed = 0;
        var exec = new FakeCommandExecutor(_time).On("virsh list", (_, _) =>
            Task.FromResult(new CommandResult(0, ++listed <= 2 ? "web\ndb\n" : "db\n")));
        var step = new VmShutdownStep(new VmStepOptions(true, TimeSpan.FromSeconds(30)));
        var report = await VirtualTime.RunAsync(_time, step.RunAsync(new ShutdownStepContext(false, exec, _time, NullLogger.Instance, "t"), CancellationToken.None));

        Assert.Equal(ShutdownOutcomes.Ok, report.Outcome);
        Assert.Contains("1 of 2 VM(s) shut down gracefully", report.Detail);
        Assert.Contains("virsh destroy db", exec.Commands);
        Assert.DoesNotContain("virsh destroy web", exec.Commands);
        var destroyAt = exec.Calls.Single(c => c.Command == "virsh destroy db").At;
        // Not before the 30 s wait; the clock is stepped while the step runs, so a loaded machine lands later.
        Assert.InRange(destroyAt.TotalSeconds, 30, 40);
    }

    [Fact]
    public async Task Nut_fsd_waits_for_secondaries_to_log_out_up_to_hostsync()
    {
        var quick = new FakeFsdSignal(2, 4);
        var step = new NutFsdStep(new NutFsdStepOptions(true, TimeSpan.FromSeconds(15)), quick, "ups");
        var ok = await VirtualTime.RunAsync(_time, step.RunAsync(new ShutdownStepContext(false, new FakeCommandExecutor(_time), _time, NullLogger.Instance, "runtime low"), CancellationToken.None));
        Assert.Equal(ShutdownOutcomes.Ok, ok.Outcome);
        Assert.Equal("ups", quick.FsdDevice);
        Assert.Equal("runtime low", quick.FsdReason);

        var never = new FakeFsdSignal(1, -1);
        var t0 = _time.GetTimestamp();
        var slow = new NutFsdStep(new NutFsdStepOptions(true, TimeSpan.FromSeconds(15)), never, "ups");
        // Given up at hostsync (15 s), not before, and not waiting on: the run is limited to 60 s of virtual time
        // (the clock is stepped while the step runs, so how far past 15 s it got depends on the machine's load).
        var late = await VirtualTime.RunAsync(_time, slow.RunAsync(new ShutdownStepContext(false, new FakeCommandExecutor(_time), _time, NullLogger.Instance, "x"), CancellationToken.None),
            limit: TimeSpan.FromSeconds(60));
        Assert.Equal(ShutdownOutcomes.Timeout, late.Outcome);
        Assert.True(_time.GetElapsedTime(t0).TotalSeconds >= 15, $"gave up after {_time.GetElapsedTime(t0).TotalSeconds:0.0} s of virtual time, before hostsync");

        var none = await new NutFsdStep(new NutFsdStepOptions(true, TimeSpan.FromSeconds(15)), null, "ups")
            .RunAsync(new ShutdownStepContext(false, new FakeCommandExecutor(_time), _time, NullLogger.Instance, "x"), CancellationToken.None);
        Assert.Equal(ShutdownOutcomes.Skipped, none.Outcome);
    }

    [Fact]
    public async Task Local_poweroff_waits_final_delay_first()
    {
        var exec = new FakeCommandExecutor(_time);
        var step = new LocalPoweroffStep(new LocalStepOptions(true, "/bin/echo 'power off'", TimeSpan.FromSeconds(5)));
        var report = await VirtualTime.RunAsync(_time, step.RunAsync(new ShutdownStepContext(false, exec, _time, NullLogger.Instance, "x"), CancellationToken.None));
        Assert.Equal(ShutdownOutcomes.Ok, report.Outcome);
        Assert.Equal("/bin/echo 'power off'", exec.Calls.Single().Command);
        // Not before the 5 s final delay; the clock is stepped while the step runs, so a loaded machine lands later.
        Assert.InRange(exec.Calls.Single().At.TotalSeconds, 5, 10);
    }

    [Fact]
    public async Task Cancelling_before_the_point_of_no_return_stops_the_sequence()
    {
        var exec = new FakeCommandExecutor(_time).Hang("docker stop");
        using var cancel = new CancellationTokenSource();
        var ponr = 0;
        var run = Sequence(AllSteps(mountTable: MountTable("/mnt/nas", "/mnt/backup")), exec.Succeed("docker ps", "c1"))
            .RunAsync(new ShutdownRequest("runtime", "x", false, PassPointOfNoReturn: () => { ponr++; return true; }), cancel.Token);
        while (!exec.Commands.Contains("docker stop --time 20 c1")) await Task.Delay(5);
        cancel.Cancel();
        var summary = await VirtualTime.RunAsync(_time, run);

        Assert.Equal(["vms", "containers"], summary.Steps.Select(s => s.Step));
        Assert.Equal(ShutdownOutcomes.Cancelled, summary.Steps[1].Outcome);
        Assert.Equal(0, ponr);
        Assert.DoesNotContain("sync", exec.Commands);
    }

    [Fact]
    public async Task Cancelling_after_the_point_of_no_return_is_ignored()
    {
        var exec = new FakeCommandExecutor(_time);
        using var cancel = new CancellationTokenSource();
        var ponr = 0;
        var run = Sequence(AllSteps(new FakeFsdSignal(1, 8), MountTable()), exec, ponr: "sync")
            .RunAsync(new ShutdownRequest("runtime", "x", false, PassPointOfNoReturn: () => { ponr++; cancel.Cancel(); return true; }), cancel.Token);
        var summary = await VirtualTime.RunAsync(_time, run);
        Assert.Equal(1, ponr);
        Assert.Equal(AllNames, summary.Steps.Select(s => s.Step));
        Assert.Contains("systemctl poweroff", exec.Commands);
    }

    [Fact]
    public async Task Progress_is_persisted_and_a_restart_resumes_after_the_last_finished_step()
    {
        var store = new ShutdownStateStore(_dir);
        var exec = new FakeCommandExecutor(_time).Hang("sync");
        using var stopping = new CancellationTokenSource();
        var run = Sequence(AllSteps(mountTable: MountTable("/mnt/nas", "/mnt/backup")), exec, store: store)
            .RunAsync(new ShutdownRequest("runtime", "runtime low", false), CancellationToken.None, stopping.Token);
        while (!exec.Commands.Contains("sync")) await Task.Delay(5);
        stopping.Cancel(); // the process is stopped in the middle of sync
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        var saved = await store.LoadAsync(CancellationToken.None);
        Assert.NotNull(saved);
        Assert.True(saved!.InProgress);
        Assert.Equal(["vms", "containers"], saved.Completed.Select(s => s.Step));

        var exec2 = new FakeCommandExecutor(_time);
        var summary = await VirtualTime.RunAsync(_time, Sequence(AllSteps(mountTable: MountTable("/mnt/nas", "/mnt/backup")), exec2, store: store)
            .RunAsync(new ShutdownRequest(saved.Trigger, saved.Reason, saved.DryRun, saved), CancellationToken.None));
        Assert.Equal(AllNames, summary.Steps.Select(s => s.Step));
        Assert.DoesNotContain(exec2.Commands, c => c.StartsWith("virsh") || c.StartsWith("docker"));
        Assert.Equal("sync", exec2.Commands[0]);
        var final = await store.LoadAsync(CancellationToken.None);
        Assert.True(final!.Finished);
        Assert.True(final.PointOfNoReturnPassed);
    }

    [Fact]
    public async Task Build_steps_follows_the_configuration()
    {
        var o = Options("""
              vms: { enabled: false }
              sync: false
              nut_fsd: { enabled: false }
              remote_hosts:
                - { name: nas, host: 127.0.0.1, user: admin, key_file: /k, known_hosts: /kh, command: "poweroff" }
              local: { enabled: false }
            """);
        var steps = ShutdownSequence.BuildSteps(o, null, "ups");
        Assert.Equal(["ssh:nas", "power_cycle"], steps.Select(s => s.Name));
        Assert.Equal("nut_fsd", o.PointOfNoReturn);
        await Task.CompletedTask;
    }

    [Fact]
    public void Point_of_no_return_must_be_a_step_group()
    {
        var r = ConfigLoader.LoadText("shutdown:\n  point_of_no_return: later\n", "test.yaml", new Dictionary<string, string>(), []);
        Assert.Contains(r.Errors, e => e.ToString().Contains("point_of_no_return"));
    }
}
