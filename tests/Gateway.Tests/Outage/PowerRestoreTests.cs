using System.Net;
using System.Net.Sockets;
using Gateway.Readings;
using Gateway.Shutdown.Restore;
using Gateway.Tests.Support;

namespace Gateway.Tests.Outage;

/// <summary>
/// Power restore: Wake-on-LAN packets are captured on a loopback address the test chooses (127.0.0.77), never the
/// LAN; a "host" is up when the test opens its check port on 127.0.0.1.
/// </summary>
public sealed class PowerRestoreTests
{
    private static readonly IPAddress WakeAddress = IPAddress.Parse("127.0.0.77");
    private static readonly byte[] NasMac = [0x02, 0x00, 0x00, 0xaa, 0xbb, 0x01];

    private static void AssertMagicPacket(byte[] packet, byte[] mac)
    {
        Assert.Equal(WakeOnLan.PacketLength, packet.Length);
        Assert.All(packet[..6], b => Assert.Equal(0xFF, b));
        for (var i = 0; i < 16; i++) Assert.Equal(mac, packet[(6 + i * 6)..(12 + i * 6)]);
    }

    [Fact]
    public async Task The_magic_packet_goes_to_the_configured_address_and_port_with_the_mac_sixteen_times()
    {
        using var capture = new UdpClient(new IPEndPoint(WakeAddress, 0));
        var port = ((IPEndPoint)capture.Client.LocalEndPoint!).Port;
        Assert.Null(await WakeOnLan.SendAsync(NasMac, WakeAddress, port, CancellationToken.None));
        var got = await capture.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5));
        AssertMagicPacket(got.Buffer, NasMac);
        Assert.Equal(WakeAddress, ((IPEndPoint)capture.Client.LocalEndPoint!).Address);
        Assert.True(IPAddress.IsLoopback(got.RemoteEndPoint.Address));
    }

    [Fact]
    public async Task After_a_restart_between_shutdown_and_restore_the_shut_down_host_is_woken_once_mains_is_stable_and_charged()
    {
        using var capture = new UdpClient(new IPEndPoint(WakeAddress, 0));
        var udpPort = ((IPEndPoint)capture.Client.LocalEndPoint!).Port;
        var sshPort = FreePort.Next();
        using var h = new OutageHarness(OutageHarness.Restore($$"""
            stable_for: 30s
            min_charge: 40
            deadline: 5m
            resend_every: 20s
            wake:
              - { name: nas, mac: "02:00:00:AA:BB:01", broadcast: 127.0.0.77, port: {{udpPort}}, check_host: 127.0.0.1, check_port: {{sshPort}} }
              - { name: desktop, mac: "02:00:00:aa:bb:02", broadcast: 127.0.0.77, port: {{udpPort}} }
            """));
        using var sub = h.Events.Subscribe("t");

        // The outage: ten minutes on battery, then the final sequence shuts the NAS down and arms the power-cycle.
        await h.OnBattery(TimeSpan.FromMinutes(10), 100, 35);
        await h.Event(EventKinds.TriggerFired, ("trigger", "runtime"), ("dry_run", "false"));
        await h.StepEvent("ssh:nas", "ok", 41);
        await h.StepEvent("power_cycle", "ok");
        await h.StepEvent("local", "ok", 5);
        Assert.True(File.Exists(Path.Combine(h.Dir.Path, OutageRecordStore.CurrentFileName)));

        // This host goes down with everything else; the UPS power-cycles; the gateway starts again from its files.
        await h.Restart();
        var restored = h.Recorder.Current!;
        Assert.Equal(OutageMachine.Down, Assert.Single(restored.Machines).State);
        Assert.Equal("runtime", restored.Trigger);

        // Mains is back but the battery is at 35 % (< 40): nothing is woken yet.
        await h.OnLine(TimeSpan.FromSeconds(40), charge: 35);
        Assert.Equal(0, capture.Available);
        Assert.NotNull(h.Recorder.Current);

        // The NAS "boots" after its second magic packet.
        var packets = new List<byte[]>();
        var boot = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++) packets.Add((await capture.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(30))).Buffer);
            var sshd = new TcpListener(IPAddress.Loopback, sshPort);
            sshd.Start();
            return sshd;
        });
        await h.OnLine(TimeSpan.FromSeconds(2), charge: 45);
        using var listener = await boot.WaitAsync(TimeSpan.FromSeconds(30));
        listener.Stop();

        Assert.All(packets, p => AssertMagicPacket(p, NasMac));
        Assert.Null(h.Recorder.Current);
        var history = await h.Recorder.Store.LoadHistoryAsync(CancellationToken.None);
        var outage = Assert.Single(history);
        var nas = outage.Machines.Single(m => m.Name == "nas");
        Assert.Equal(OutageMachine.Woken, nas.State);
        Assert.Contains($"answers on 127.0.0.1:{sshPort}", nas.Detail);
        // The desktop was not shut down by this outage and is not "always": it is not woken.
        Assert.DoesNotContain(outage.Machines, m => m.Name == "desktop");
        Assert.False(File.Exists(Path.Combine(h.Dir.Path, OutageRecordStore.CurrentFileName)));

        var events = h.Drain(sub);
        var report = Assert.Single(events, e => e.Kind == EventKinds.OutageReport);
        Assert.Contains("shut down: nas", report.Message);
        Assert.Contains("back: nas", report.Message);
        Assert.Contains("lowest charge 35% (from 100%)", report.Message);
        Assert.Contains(events, e => e.Kind == EventKinds.PowerRestore && e.Data!["name"] == "nas" && e.Data["state"] == OutageMachine.Woken);
    }

    [Fact]
    public async Task A_host_that_never_answers_is_given_up_at_the_deadline_and_the_report_says_so()
    {
        using var capture = new UdpClient(new IPEndPoint(WakeAddress, 0));
        var udpPort = ((IPEndPoint)capture.Client.LocalEndPoint!).Port;
        var deadPort = FreePort.Next();
        using var h = new OutageHarness(OutageHarness.Restore($$"""
            stable_for: 0s
            deadline: 1m
            resend_every: 15s
            wake:
              - { name: nas, mac: "02:00:00:aa:bb:01", broadcast: 127.0.0.77, port: {{udpPort}}, check_host: 127.0.0.1, check_port: {{deadPort}} }
            """));
        using var sub = h.Events.Subscribe("t");
        await h.OnBattery(TimeSpan.FromMinutes(1), 100, 80);
        await h.StepEvent("ssh:nas", "ok");
        await h.OnLine(TimeSpan.FromSeconds(1), charge: 80);

        var outage = Assert.Single(await h.Recorder.Store.LoadHistoryAsync(CancellationToken.None));
        Assert.Equal(OutageMachine.GaveUp, outage.Machines.Single().State);
        var report = Assert.Single(h.Drain(sub), e => e.Kind == EventKinds.OutageReport);
        Assert.Equal(EventSeverity.Warning, report.Severity);
        Assert.Contains("NOT back: nas", report.Message);
        // Sent at 0, 15, 30, 45 and 60 s.
        var sent = 0;
        while (capture.Available > 0) { await capture.ReceiveAsync(); sent++; }
        Assert.InRange(sent, 4, 5);
    }

    [Fact]
    public async Task Shed_containers_and_vms_are_started_again_and_a_host_without_check_is_unverified()
    {
        using var capture = new UdpClient(new IPEndPoint(WakeAddress, 0));
        var udpPort = ((IPEndPoint)capture.Client.LocalEndPoint!).Port;
        using var h = new OutageHarness(OutageHarness.Restore($$"""
            stable_for: 10s
            resend_every: 2s
            wake:
              - { name: game, mac: "02:00:00:aa:bb:03", broadcast: 127.0.0.77, port: {{udpPort}} }
            """));
        await h.OnBattery(TimeSpan.FromMinutes(3), 100, 90);
        await h.Shed(("name", "game"), ("kind", "host"), ("outcome", "ok"));
        await h.Shed(("name", "plex"), ("kind", "container"), ("outcome", "ok"));
        await h.Shed(("name", "test-vm"), ("kind", "vm"), ("outcome", "ok"));
        await h.OnLine(TimeSpan.FromSeconds(15), charge: 90);

        Assert.Equal(["docker start plex", "virsh start test-vm"], h.Executor.Commands);
        var outage = Assert.Single(await h.Recorder.Store.LoadHistoryAsync(CancellationToken.None));
        Assert.Equal(OutageMachine.Unverified, outage.Machines.Single(m => m.Name == "game").State);
        Assert.Equal(OutageMachine.Started, outage.Machines.Single(m => m.Name == "plex").State);
        var sent = 0;
        while (capture.Available > 0) { AssertMagicPacket((await capture.ReceiveAsync()).Buffer, [0x02, 0x00, 0x00, 0xaa, 0xbb, 0x03]); sent++; }
        Assert.Equal(3, sent);
    }

    [Fact]
    public async Task Through_the_root_helper_each_shed_container_and_vm_is_one_named_start_request_and_a_refusal_is_a_failure_in_words()
    {
        using var h = new OutageHarness(OutageHarness.Restore("stable_for: 10s"), viaHelper: true, vmUri: "test+unix:///default");
        h.Executor.Fail(@"systemctl start 'gateway-shutdown@container\x2dstart\x20gone.service'", 1, "Job failed")
            .Succeed("systemctl show --property=Result --property=ExecMainStatus", "Result=exit-code\nExecMainStatus=4\n");
        await h.OnBattery(TimeSpan.FromMinutes(3), 100, 90);
        await h.Shed(("name", "plex"), ("kind", "container"), ("outcome", "ok"));
        await h.Shed(("name", "gone"), ("kind", "container"), ("outcome", "ok"));
        await h.Shed(("name", "test-vm"), ("kind", "vm"), ("outcome", "ok"));
        await h.OnLine(TimeSpan.FromSeconds(15), charge: 90);

        // The same machines as the direct commands (docker start plex, virsh -c URI start test-vm), as root, by name.
        Assert.Equal(
        [
            @"systemctl start 'gateway-shutdown@container\x2dstart\x20plex.service'",
            @"systemctl start 'gateway-shutdown@container\x2dstart\x20gone.service'",
            @"systemctl show --property=Result --property=ExecMainStatus 'gateway-shutdown@container\x2dstart\x20gone.service'",
            @"systemctl start 'gateway-shutdown@vm\x2dstart\x20uri\x3dtest\x2bunix:---default\x20test\x2dvm.service'",
        ], h.Executor.Commands);
        var outage = Assert.Single(await h.Recorder.Store.LoadHistoryAsync(CancellationToken.None));
        Assert.Equal(OutageMachine.Started, outage.Machines.Single(m => m.Name == "plex").State);
        Assert.Equal(OutageMachine.Started, outage.Machines.Single(m => m.Name == "test-vm").State);
        var gone = outage.Machines.Single(m => m.Name == "gone");
        Assert.Equal(OutageMachine.Failed, gone.State);
        Assert.Contains("the target does not exist", gone.Detail);
    }

    [Fact]
    public async Task Directly_a_shed_vm_is_started_on_the_configured_uri_and_one_already_running_counts_as_started()
    {
        using var h = new OutageHarness(OutageHarness.Restore("stable_for: 10s"), vmUri: "test+unix:///default");
        h.Executor.Fail("virsh -c test+unix:///default start web", 1, "error: Failed to start domain 'web'\nerror: Requested operation is not valid: domain is already active");
        await h.OnBattery(TimeSpan.FromMinutes(3), 100, 90);
        await h.Shed(("name", "web"), ("kind", "vm"), ("outcome", "ok"));
        await h.OnLine(TimeSpan.FromSeconds(15), charge: 90);

        Assert.Equal(["virsh -c test+unix:///default start web"], h.Executor.Commands);
        var web = Assert.Single(Assert.Single(await h.Recorder.Store.LoadHistoryAsync(CancellationToken.None)).Machines);
        Assert.Equal(OutageMachine.Started, web.State);
        Assert.Contains("was already running", web.Detail);
    }

    [Fact]
    public async Task Mains_lost_again_stops_the_restore_and_the_rest_waits_for_the_next_return()
    {
        var sshPort = FreePort.Next();
        using var h = new OutageHarness(OutageHarness.Restore($$"""
            stable_for: 5s
            wake:
              - { name: nas, mac: "02:00:00:aa:bb:01", broadcast: 127.0.0.77, port: 9, check_host: 127.0.0.1, check_port: {{sshPort}} }
            """));
        await h.OnBattery(TimeSpan.FromMinutes(2), 100, 90);
        await h.StepEvent("ssh:nas", "ok");
        await h.OnLine(TimeSpan.FromSeconds(3), charge: 90);
        await h.OnBattery(TimeSpan.FromSeconds(30), 90, 88);
        Assert.Equal(OutageMachine.Down, h.Recorder.Current!.Machines.Single().State);
        Assert.Null(h.Recorder.Current.PowerBackAt);
        Assert.Empty(await h.Recorder.Store.LoadHistoryAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_short_blink_is_not_an_outage_and_an_outage_with_nothing_to_wake_ends_with_its_report()
    {
        using var h = new OutageHarness(OutageHarness.Restore("stable_for: 1m"));
        using var sub = h.Events.Subscribe("t");
        await h.OnBattery(TimeSpan.FromSeconds(2), 100, 100, TimeSpan.FromSeconds(1));
        await h.OnLine(TimeSpan.FromSeconds(1), 100);
        Assert.Null(h.Recorder.Current);
        Assert.Empty(await h.Recorder.Store.LoadHistoryAsync(CancellationToken.None));

        await h.OnBattery(TimeSpan.FromMinutes(10), 100, 80);
        await h.OnLine(TimeSpan.FromSeconds(1), 80);
        var outage = Assert.Single(await h.Recorder.Store.LoadHistoryAsync(CancellationToken.None));
        Assert.Equal(50, outage.BatteryWattHours, 1); // 300 W for 10 minutes
        Assert.Equal(80, outage.LowestCharge);
        var report = Assert.Single(h.Drain(sub), e => e.Kind == EventKinds.OutageReport);
        Assert.StartsWith("Outage of 10m", report.Message);
        Assert.Contains("50 Wh from the battery", report.Message);
        Assert.Equal("50", report.Data!["battery_wh"]);
    }

    [Fact]
    public void A_bad_mac_or_broadcast_is_a_config_error_naming_the_key()
    {
        var r = Gateway.Configuration.ConfigLoader.LoadText("""
            shutdown:
              restore:
                wake:
                  - { name: nas, mac: "00:11:22:33:44", broadcast: 192.168.1 }
            """, "test.yaml", new Dictionary<string, string>(), []);
        var text = string.Join("\n", r.Problems);
        Assert.Contains("shutdown.restore.wake[0].mac", text);
        Assert.Contains("six hex bytes", text);
        Assert.Contains("broadcast", text);
    }
}
