using System.Diagnostics;
using Gateway.Drivers.Must;
using Gateway.Tests.HomeAssistant;
using Gateway.Tests.Nut;
using Xunit.Abstractions;

namespace Gateway.Tests.Abuse;

/// <summary>
/// Command floods and dangerous commands against the real binary: a simulated MUST UPS over socat ptys, a real
/// mosquitto, the real NUT server and API.
/// </summary>
[Trait("Category", "Abuse")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class CommandFloodTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_thousand_beeper_presses_during_an_outage_keep_the_ups_fresh_fire_nothing_and_write_a_handful_of_times()
    {
        // The simulated UPS answers from this test process, which also runs the flood (and other tests run beside
        // it): a 2 s serial timeout keeps its slow moments from counting as a lost UPS, while polls starved by the
        // commands would still show as stale readings (max age 3 polls).
        await using var rig = await MustGatewayRig.StartAsync(deviceExtra: "    timeout: 2s");
        rig.Simulator.LoseMains();
        await NutProcess.WaitUntilAsync(async () => (await rig.UpsAsync()).Status?.Contains("OB", StringComparison.Ordinal) == true, "the UPS to report OB");
        // The outage is confirmed (on_battery_delay 5 s) before the flood starts, as in the report.
        await NutProcess.WaitUntilAsync(() => rig.Gateway.Output.Contains("Policy [ups] on_battery", StringComparison.Ordinal), "the policy to confirm the outage", TimeSpan.FromSeconds(60));
        var readsBefore = rig.Slave.Reads;

        await using var attacker = await MqttObserver.ConnectAsync(rig.Broker.Port, "gateway/" + MustGatewayRig.Name + "/events");
        var samples = new List<MustGatewayRig.UpsView>();
        var sw = Stopwatch.StartNew();
        var flood = Task.Run(async () =>
        {
            // 3,000 presses over about 6 s: longer than command_interval, so the rate limit is crossed, not just hit once.
            for (var i = 0; i < 3000; i++)
            {
                await attacker.PublishAsync(MustGatewayRig.CommandBase + "beeper_toggle", "PRESS", retain: false);
                if (i % 50 == 49) await Task.Delay(100);
            }
        });
        while (!flood.IsCompleted || sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            samples.Add(await rig.UpsAsync());
            await Task.Delay(250);
        }
        await flood;
        var floodSeconds = sw.Elapsed.TotalSeconds;

        var writes = rig.Slave.WritesTo(MustRegisterMap.BeeperSetting);
        var notFresh = samples.Where(s => !s.Fresh || !s.Link.Equals("connected", StringComparison.OrdinalIgnoreCase)).ToList();
        var events = await rig.EventKindsAsync();
        output.WriteLine($"3000 presses in {floodSeconds:0.0} s: {writes} beeper writes reached the UPS, {rig.Slave.Reads - readsBefore} reads meanwhile, "
            + $"{samples.Count} samples of /api/telemetry/ups, {notFresh.Count} not connected+fresh; events: {string.Join(", ", events.Distinct())}");
        Assert.True(notFresh.Count == 0, $"the UPS was not connected and fresh in {notFresh.Count} of {samples.Count} samples: {string.Join("; ", notFresh)}\n{rig.Gateway.Output}");
        Assert.InRange(writes, 1, 5);
        Assert.DoesNotContain("trigger_fired", events);
        Assert.DoesNotContain("shutdown_started", events);
        Assert.DoesNotContain("device_stale", events);
        Assert.Contains("command_refused", events);
        Assert.Contains(attacker.All, m => m.Payload.Contains("command_refused", StringComparison.Ordinal));
        Assert.DoesNotContain("trigger_fired", rig.Gateway.Output);
        // One line for the first refusal of each kind, not one per press.
        var refusalLines = rig.Gateway.Output.Split('\n').Count(l => l.Contains("command_refused", StringComparison.Ordinal));
        Assert.InRange(refusalLines, 1, 6);
    }

    [Fact]
    public async Task Shutdown_return_is_refused_on_nut_api_and_mqtt_unless_allowed()
    {
        await using var rig = await MustGatewayRig.StartAsync();
        await using var ha = await MqttObserver.ConnectAsync(rig.Broker.Port, "homeassistant/#");

        var nut = await rig.NutInstantCommandAsync("shutdown.return");
        var (status, body) = await rig.PostCommandAsync("shutdown.return");
        await ha.PublishAsync(MustGatewayRig.CommandBase + "shutdown_return", "PRESS", retain: false);
        await Wait.UntilAsync(() => rig.Gateway.Output.Contains("shutdown_return", StringComparison.Ordinal), "the gateway to ignore the MQTT press");
        await Wait.UntilAsync(() => ha.Latest.Keys.Any(t => t.StartsWith("homeassistant/button/", StringComparison.Ordinal)), "the button discovery");

        output.WriteLine($"NUT admin: {nut}; API: {status} {body}");
        Assert.Equal("ERR ACCESS-DENIED", nut);
        Assert.Equal(403, status);
        Assert.Contains("allowed_dangerous_commands", body);
        Assert.DoesNotContain(ha.Latest.Keys, t => t.Contains("shutdown", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, rig.Slave.WritesTo(MustRegisterMap.RemoteShutdown));
        Assert.Contains("Refused shutdown.return for ups from nut admin@127.0.0.1", rig.Gateway.Output);
        Assert.Contains("Refused shutdown.return for ups from api 127.0.0.1", rig.Gateway.Output);
    }

    [Fact]
    public async Task Shutdown_return_named_in_allowed_dangerous_commands_runs_over_nut_and_the_api()
    {
        await using var rig = await MustGatewayRig.StartAsync("    allowed_dangerous_commands: [shutdown.return]\n    command_interval: 0s");

        var nut = await rig.NutInstantCommandAsync("shutdown.return");
        var (status, body) = await rig.PostCommandAsync("shutdown.return");

        output.WriteLine($"NUT admin: {nut}; API: {status} {body}");
        Assert.Equal("OK", nut);
        Assert.Equal(200, status);
        Assert.Equal(2, rig.Slave.WritesTo(MustRegisterMap.RemoteShutdown));
    }
}
