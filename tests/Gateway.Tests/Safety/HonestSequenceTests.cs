using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Shutdown;
using Gateway.Shutdown.Steps;
using Gateway.Tests.Policy;
using Gateway.Tests.Shutdown;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Safety;

/// <summary>What is announced is what happens: the point of no return against a cancel, the FSD latch, dry run on resume.</summary>
public sealed class HonestSequenceTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly TempDir _dir = new("gw-honest");
    private readonly EventBus _events = new(NullLogger<EventBus>.Instance);

    public void Dispose() => _dir.Dispose();

    private ShutdownSequence Sequence(FakeCommandExecutor exec) =>
        new([new SyncStep(), new LocalPoweroffStep(new LocalStepOptions(true, "systemctl poweroff", TimeSpan.Zero))],
            "local", exec, _time, NullLogger.Instance, _events, new ShutdownStateStore(_dir.Path));

    [Fact]
    public async Task A_cancel_that_wins_the_point_of_no_return_stops_the_sequence_before_the_poweroff()
    {
        var exec = new FakeCommandExecutor(_time);
        using var cancel = new CancellationTokenSource();
        var asked = 0;
        // The policy cancelled in the same instant: the gate says no.
        var summary = await Sequence(exec).RunAsync(new ShutdownRequest("runtime", "r", false, PassPointOfNoReturn: () => { asked++; return false; }), cancel.Token);
        Assert.Equal(1, asked);
        Assert.Equal(["sync"], exec.Commands);
        Assert.True((await new ShutdownStateStore(_dir.Path).LoadAsync(CancellationToken.None))!.Cancelled);
        Assert.Single(summary.Steps);
    }

    private GatewayConfig Config(bool dryRun) => TestConfig.Load($$"""
        gateway: { data_dir: {{_dir.Path}} }
        devices:
          - { id: ups, type: nut, ups: ups, poll_interval: 1s }
        policy: { protect: ups }
        shutdown:
          dry_run: {{(dryRun ? "true" : "false")}}
          sync: true
          nut_fsd: { enabled: false }
          local: { enabled: true, command: "systemctl poweroff", final_delay: 0s }
          point_of_no_return: local
        """);

    [Fact]
    public async Task The_fsd_latch_is_lifted_when_the_shutdown_is_cancelled()
    {
        var exec = new FakeCommandExecutor(_time).Hang("sync");
        var fsd = new FakeFsdSignal(0, 0);
        var hub = new ReadingHub(_time, NullLogger<ReadingHub>.Instance);
        hub.Register("ups", "nut", DeviceKind.Ups);
        var runner = new PolicyRunner(Config(false), hub, _events, Sequence(exec), _time, NullLogger<PolicyRunner>.Instance, fsd: fsd);
        void Feed(string status)
        {
            var r = PolicyHarness.Reading(new UpsSample(status, 50, 300), _time.GetUtcNow());
            hub.Publish(r);
            runner.Handle(new ReadingPublished(r));
            runner.Tick();
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        for (var i = 0; i < 7; i++) Feed("OB DISCHRG");
        Assert.Equal(PolicyState.ShutdownPending, runner.Current.State);
        fsd.SetFsd("ups", "the nut_fsd step ran");   // as the NUT FSD step does before the point of no return
        for (var i = 0; i < 3; i++) Feed("OL CHRG");
        Assert.Equal(PolicyState.Normal, runner.Current.State);
        Assert.False(fsd.IsFsd("ups"));
        await VirtualTime.RunAsync(_time, runner.SequenceTask!);
        Assert.DoesNotContain("systemctl poweroff", exec.Commands);
    }

    [Fact]
    public async Task A_real_sequence_resumed_under_a_dry_run_configuration_runs_as_a_dry_run()
    {
        await new ShutdownStateStore(_dir.Path).SaveAsync(new ShutdownProgress("runtime", "r", false, _time.GetUtcNow(), false, [], null, BootId: BootId.Current), CancellationToken.None);
        var exec = new FakeCommandExecutor(_time);
        var hub = new ReadingHub(_time, NullLogger<ReadingHub>.Instance);
        var runner = new PolicyRunner(Config(true), hub, _events, Sequence(exec), _time, NullLogger<PolicyRunner>.Instance);
        await runner.RestoreAsync(CancellationToken.None);
        await VirtualTime.RunAsync(_time, runner.SequenceTask!);
        Assert.Empty(exec.Commands);
        Assert.True((await new ShutdownStateStore(_dir.Path).LoadAsync(CancellationToken.None))!.DryRun);
    }
}
