using Gateway.Configuration;
using Gateway.Readings;
using Gateway.Shutdown;
using Gateway.Shutdown.Restore;
using Gateway.Shutdown.Shedding;
using Gateway.Tests.Shutdown;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Outage;

[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class LoadSheddingTests(SshServerFixture sshd) : IClassFixture<SshServerFixture>
{
    private ShutdownOptions Options(string shedding, bool dryRun = false)
    {
        var knownHosts = Path.Combine(sshd.Dir, "known_hosts-shed");
        File.WriteAllText(knownHosts, sshd.KnownHostsLine(sshd.HostKey) + "\n");
        return TestConfig.Load($"""
            shutdown:
              dry_run: {(dryRun ? "true" : "false")}
              privileges: direct
              containers: {"{"} enabled: true, timeout: 20s {"}"}
              remote_hosts:
                - {"{"} name: game, host: 127.0.0.1, port: {sshd.Port}, user: {sshd.User}, key_file: {sshd.ClientKey}, known_hosts: {knownHosts}, command: "echo shed", verify_down: 0s {"}"}
              shedding:
            {shedding}
            """).Shutdown;
    }

    private static LoadShedder Shedder(OutageHarness h, ShutdownOptions o) =>
        new(o, TimeSpan.FromSeconds(5), "ups", h.Hub, h.Recorder, h.Executor, h.Events, h.Time, NullLogger.Instance);

    [Fact]
    public async Task Each_stage_fires_once_on_its_own_condition_long_before_the_final_trigger_and_is_remembered()
    {
        var o = Options("""
                - { name: early, after_on_battery: 2m, containers: [plex], vms: [test-vm] }
                - { name: game, charge_below: 60, hosts: [game] }
            """);
        using var h = new OutageHarness(RestoreOptions.Default);
        using var sub = h.Events.Subscribe("t");
        var shedder = Shedder(h, o);

        // 90 s on battery, charge still 90 %: nothing yet.
        await h.OnBattery(TimeSpan.FromSeconds(90), 100, 90);
        await shedder.TickAsync(CancellationToken.None);
        Assert.Empty(h.Executor.Commands);

        // Two minutes: the early stage (containers and a VM), not the charge stage.
        h.Time.Advance(TimeSpan.FromSeconds(30));
        await h.Ups("OB DISCHRG", 88);
        await VirtualTime.RunAsync(h.Time, shedder.TickAsync(CancellationToken.None));
        Assert.Equal(["docker stop --time 20 plex", "virsh shutdown test-vm", "virsh list --name --state-running"], h.Executor.Commands);
        Assert.Equal(["early"], h.Recorder.Current!.ShedStages);

        // It fires once, also after a restart of the gateway.
        await h.Restart();
        shedder = Shedder(h, o);
        await h.Ups("OB DISCHRG", 70);
        await VirtualTime.RunAsync(h.Time, shedder.TickAsync(CancellationToken.None));
        Assert.Equal(3, h.Executor.Commands.Count);

        // Charge below 60 %: the game server is shut down over SSH (a real sshd).
        await h.Ups("OB DISCHRG", 59);
        // Real SSH takes real time: the virtual clock stands still meanwhile (no step of this stage waits on it).
        await shedder.TickAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var record = h.Recorder.Current!;
        Assert.Equal(["early", "game"], record.ShedStages);
        Assert.Equal(["plex:container", "test-vm:vm", "game:host"], record.Machines.Select(m => $"{m.Name}:{m.Kind}"));
        Assert.All(record.Machines, m => Assert.Equal(OutageMachine.Shed, m.Action));
        var shedEvents = h.Drain(sub).Where(e => e.Kind == EventKinds.LoadShed).ToList();
        Assert.Contains(shedEvents, e => e.Data!["name"] == "game" && e.Data["outcome"] == ShutdownOutcomes.Ok && e.Message.Contains("charge 59% < 60%"));

        // At the final trigger the sequence skips the host that is already down.
        var steps = shedder.Wrap(ShutdownSequence.BuildSteps(o, null, "ups"));
        var summary = await VirtualTime.RunAsync(h.Time, new ShutdownSequence(steps, o.PointOfNoReturn, h.Executor, h.Time, NullLogger.Instance)
            .RunAsync(new ShutdownRequest("runtime", "test", DryRun: true, Persist: false), CancellationToken.None));
        var ssh = summary.Steps.Single(s => s.Step == "ssh:game");
        Assert.Equal(ShutdownOutcomes.Skipped, ssh.Outcome);
        Assert.Contains("shed earlier", ssh.Detail);
    }

    [Fact]
    public async Task In_a_dry_run_a_stage_only_says_what_it_would_do_and_nothing_is_recorded_as_shed()
    {
        var o = Options("""
                - { name: early, runtime_below: 20m, containers: [plex] }
            """, dryRun: true);
        using var h = new OutageHarness(RestoreOptions.Default);
        using var sub = h.Events.Subscribe("t");
        var shedder = Shedder(h, o);
        await h.OnBattery(TimeSpan.FromSeconds(30), 100, 95);
        var reading = new Gateway.Drivers.Readings.UpsReading("ups", h.Time.GetUtcNow(), TimeSpan.FromSeconds(10),
            Gateway.Drivers.Readings.UpsStatus.Parse("OB DISCHRG"), new Dictionary<string, string> { ["battery.charge"] = "95", ["battery.runtime"] = "900" });
        h.Hub.Publish(reading);
        await VirtualTime.RunAsync(h.Time, shedder.TickAsync(CancellationToken.None));
        await VirtualTime.RunAsync(h.Time, shedder.TickAsync(CancellationToken.None));
        Assert.Empty(h.Executor.Commands);
        var e = Assert.Single(h.Drain(sub), x => x.Kind == EventKinds.LoadShed);
        Assert.Contains("[DRY-RUN] docker stop --time 20 plex", e.Message);
        Assert.Contains("runtime 15m < 20m", e.Message);
        Assert.Empty(h.Recorder.Current!.Machines);
        Assert.Empty(h.Recorder.Current.ShedStages);
        Assert.Equal(ShutdownOutcomes.DryRun, Assert.Single(h.Recorder.Current.Steps).Outcome);
    }

    [Fact]
    public void A_stage_needs_a_condition_something_to_shed_and_known_hosts()
    {
        var r = ConfigLoader.LoadText("""
            shutdown:
              shedding:
                - { name: a, hosts: [nope] }
                - { name: b, after_on_battery: 2m }
            """, "test.yaml", new Dictionary<string, string>(), []);
        var text = string.Join("\n", r.Problems);
        Assert.Contains("shedding stage 'a' has no condition", text);
        Assert.Contains("'nope' is not a shutdown.remote_hosts name", text);
        Assert.Contains("shedding stage 'b' sheds nothing", text);
    }

    [Fact]
    public void A_container_or_vm_name_the_root_helper_would_refuse_is_a_config_error_naming_the_key()
    {
        var r = ConfigLoader.LoadText("""
            shutdown:
              containers: { enabled: true, names: [db, "web;reboot"] }
              shedding:
                - { name: a, after_on_battery: 2m, containers: ["$(id)"], vms: [ok-vm, "bad vm"] }
            """, "test.yaml", new Dictionary<string, string>(), []);
        Assert.Contains(r.Errors, e => e.Key == "shutdown.containers.names" && e.Message.Contains("'web;reboot' is not a valid container name"));
        Assert.Contains(r.Errors, e => e.Key == "shutdown.shedding[0].containers" && e.Message.Contains("'$(id)' is not a valid container name"));
        Assert.Contains(r.Errors, e => e.Key == "shutdown.shedding[0].vms" && e.Message.Contains("'bad vm' is not a valid VM name: use letters, digits"));
        Assert.Equal(3, r.Errors.Count());
    }
}
