using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Drivers.Readings;
using Gateway.HomeAssistant;
using Gateway.Readings;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace Gateway.Tests.HomeAssistant;

/// <summary>The bridge against a real mosquitto (password file, free loopback port), observed by a test client standing in for Home Assistant.</summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed partial class HomeAssistantMqttTests(ITestOutputHelper output)
{
    // UPS: 4 always + 11 reported values + 2 buttons; meter: 31 per-phase/total + 5 system + phase sequence; gateway: 6 (policy state, time on battery, next trigger and its ETA, failsafe at, uptime) + 2 per device.
    private const int ExpectedConfigs = 17 + 37 + 10;
    private const string UpsState = GatewayUnderTest.Base + "/ups1/state";
    private const string MeterState = GatewayUnderTest.Base + "/meter1/state";
    private const string GatewayState = GatewayUnderTest.Base + "/gateway/state";

    [GeneratedRegex(@"^\{\{ value_json\['(?<key>[^']+)'\] \}\}$")]
    private static partial Regex ValueTemplate();

    private static IEnumerable<MqttObserver.Seen> Configs(MqttObserver o) => o.Latest.Values.Where(s => s.Topic.StartsWith("homeassistant/", StringComparison.Ordinal) && s.Topic.EndsWith("/config", StringComparison.Ordinal));

    private static async Task<(MosquittoBroker, GatewayUnderTest, MqttObserver)> StartAllAsync()
    {
        var broker = await MosquittoBroker.StartAsync();
        var gw = GatewayUnderTest.Create(broker.Port);
        gw.Hub.Publish(gw.UpsReading());
        gw.Hub.Publish(gw.MeterReading());
        await gw.StartAsync();
        var obs = await MqttObserver.ConnectAsync(broker.Port, "homeassistant/#", GatewayUnderTest.Base + "/#");
        await WaitForEverythingAsync(obs);
        return (broker, gw, obs);
    }

    private static Task WaitForEverythingAsync(MqttObserver obs, double seconds = 20) =>
        Wait.UntilAsync(() => Configs(obs).Count() == ExpectedConfigs && obs.Latest.ContainsKey(UpsState) && obs.Latest.ContainsKey(MeterState)
            && obs.Latest.ContainsKey(GatewayState), $"{ExpectedConfigs} configs and all states", TimeSpan.FromSeconds(seconds));

    [Fact]
    public async Task Every_published_config_is_valid_for_home_assistant_and_its_template_reads_the_state_document()
    {
        var (broker, gw, obs) = await StartAllAsync();
        await using var _b = broker;
        await using var _g = gw;
        await using var _o = obs;

        var validator = new HaConfigValidator();
        var problems = new List<string>();
        foreach (var seen in Configs(obs).OrderBy(s => s.Topic))
        {
            problems.AddRange(validator.Validate(seen.Topic, seen.Payload, seen.Retain, (int)seen.Qos, GatewayUnderTest.Base + "/status", gw.Config.Mqtt.StateInterval));
            using var doc = JsonDocument.Parse(seen.Payload);
            var c = doc.RootElement;
            if (c.TryGetProperty("state_topic", out var st))
            {
                var m = ValueTemplate().Match(c.GetProperty("value_template").GetString()!);
                Assert.True(m.Success, seen.Topic);
                using var state = JsonDocument.Parse(obs.Latest[st.GetString()!].Payload);
                if (!state.RootElement.TryGetProperty(m.Groups["key"].Value, out _)) problems.Add($"{seen.Topic}: state document has no '{m.Groups["key"].Value}'");
            }
            var device = c.GetProperty("device");
            var ids = device.GetProperty("identifiers").EnumerateArray().Select(e => e.GetString()).ToList();
            if (seen.Topic.Contains("/testgw_ups1/", StringComparison.Ordinal))
            {
                Assert.Contains("ups_MUST-EP20-0042", ids);
                Assert.Equal("power_gateway_testgw", device.GetProperty("via_device").GetString());
                Assert.Equal(2, c.GetProperty("availability").GetArrayLength());
                Assert.Equal("all", c.GetProperty("availability_mode").GetString());
            }
            else if (seen.Topic.Contains("/testgw_meter1/", StringComparison.Ordinal))
            {
                Assert.Contains("meter_EM340-12345", ids);
                Assert.Equal("power_gateway_testgw", device.GetProperty("via_device").GetString());
            }
            else
            {
                Assert.Equal(["power_gateway_testgw"], ids);
            }
        }
        Assert.Empty(problems);

        // Spot checks of the entity table against the issue.
        var energy = JsonDocument.Parse(obs.Latest["homeassistant/sensor/testgw_meter1/import_energy/config"].Payload).RootElement;
        Assert.Equal(("energy", "kWh", "total_increasing"), (energy.GetProperty("device_class").GetString(), energy.GetProperty("unit_of_measurement").GetString(), energy.GetProperty("state_class").GetString()));
        Assert.True(obs.Latest.ContainsKey("homeassistant/button/testgw_ups1/beeper_toggle/config"));
        Assert.True(obs.Latest.ContainsKey("homeassistant/button/testgw_ups1/battery_test/config"));
        Assert.True(obs.Latest.ContainsKey("homeassistant/binary_sensor/testgw/link_ups1/config"));
        Assert.Equal("diagnostic", JsonDocument.Parse(obs.Latest["homeassistant/sensor/testgw_meter1/phase_sequence/config"].Payload).RootElement.GetProperty("entity_category").GetString());

        var ups = JsonDocument.Parse(obs.Latest[UpsState].Payload).RootElement;
        Assert.Equal(100, ups.GetProperty("battery_charge").GetDouble());
        Assert.Equal("ON", ups.GetProperty("power").GetString());
        Assert.True(obs.Latest[UpsState].Retain);
        Assert.Equal("online", obs.Latest[GatewayUnderTest.Base + "/status"].Payload);
        Assert.True(obs.Latest[GatewayUnderTest.Base + "/status"].Retain);
        Assert.Equal("online", obs.Latest[GatewayUnderTest.Base + "/ups1/availability"].Payload);
        var gwState = JsonDocument.Parse(obs.Latest[GatewayState].Payload).RootElement;
        Assert.Equal("normal", gwState.GetProperty("policy_state").GetString());
        Assert.Equal("ON", gwState.GetProperty("link_ups1").GetString());
        Assert.Equal(("connected", true), (gw.Session.Check().State, gw.Session.Check().Healthy));

        // Events: JSON, QoS 1, not retained.
        gw.Events.Publish(new GatewayEvent(DateTimeOffset.UtcNow, EventKinds.PowerLost, EventSeverity.Warning, "Power lost: test", "ups1"));
        await Wait.UntilAsync(() => obs.All.Any(s => s.Topic == GatewayUnderTest.Base + "/events"), "event on MQTT");
        var ev = obs.All.First(s => s.Topic == GatewayUnderTest.Base + "/events");
        Assert.False(ev.Retain);
        Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, ev.Qos);
        Assert.Equal("power_lost", JsonDocument.Parse(ev.Payload).RootElement.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task After_the_broker_is_killed_and_restarted_ten_times_configs_and_current_states_come_back_each_time()
    {
        var (broker, gw, obs) = await StartAllAsync();
        await using var _b = broker;
        await using var _g = gw;
        var observer = obs;
        try
        {
            var worst = TimeSpan.Zero;
            for (var cycle = 1; cycle <= 10; cycle++)
            {
                await broker.KillAsync();
                await observer.DisposeAsync();
                try
                {
                    await Wait.UntilAsync(() => !gw.Session.IsConnected, "session notices the broker is gone");
                }
                catch (TimeoutException e)
                {
                    throw new TimeoutException($"{e.Message} in cycle {cycle}; session {gw.Session.Check()}, outbox {gw.Session.Outbox.Count}\n" + string.Join("\n", gw.Logs.Lines.Select(l => l.Level + " " + l.Message)));
                }
                // Values change while the broker is away; they must be current afterwards.
                var charge = 90 - cycle;
                gw.Hub.Publish(gw.UpsReading(charge: charge));
                gw.Hub.Publish(gw.MeterReading(importEnergy: 2000 + cycle));

                await broker.StartAsync();
                var watch = Stopwatch.StartNew();
                observer = await MqttObserver.ConnectAsync(broker.Port, "homeassistant/#", GatewayUnderTest.Base + "/#");
                var current = observer;
                await Wait.UntilAsync(() =>
                    Configs(current).Count() == ExpectedConfigs
                    && current.Latest.TryGetValue(UpsState, out var u) && JsonDocument.Parse(u.Payload).RootElement.GetProperty("battery_charge").GetDouble() == charge
                    && current.Latest.TryGetValue(MeterState, out var m) && JsonDocument.Parse(m.Payload).RootElement.GetProperty("import_energy").GetDouble() == 2000 + cycle
                    && current.Latest.TryGetValue(GatewayUnderTest.Base + "/status", out var s) && s.Payload == "online",
                    "configs and current states after restart", TimeSpan.FromSeconds(30));
                watch.Stop();
                if (watch.Elapsed > worst) worst = watch.Elapsed;
            }
            // The 2 s target is a measured figure (printed here, recorded in docs/home-assistant.md), not an assertion:
            // a wall-clock bound fails on a loaded machine without the gateway doing anything wrong.
            output.WriteLine($"broker restarts: slowest recovery of configs + current states {worst.TotalMilliseconds:0} ms (target 2 s)");
        }
        finally
        {
            await observer.DisposeAsync();
        }
    }

    [Fact]
    public async Task State_documents_go_out_on_change_and_again_every_state_interval_not_on_every_tick()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var obs = await MqttObserver.ConnectAsync(broker.Port, GatewayUnderTest.Base + "/#");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var gw = GatewayUnderTest.Create(broker.Port, time: time, withMeter: false);
        gw.Hub.Publish(gw.UpsReading());
        await gw.StartAsync();
        await Wait.UntilAsync(() => obs.Latest.ContainsKey(UpsState) && gw.Session.Outbox.Count == 0, "first state");
        var initial = obs.All.Count(s => s.Topic == UpsState);

        // The same values again: no new message.
        gw.Hub.Publish(gw.UpsReading());
        // 25 virtual seconds with state_interval 10 s: two periodic republishes.
        for (var i = 0; i < 25; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
        await Wait.UntilAsync(() => obs.All.Count(s => s.Topic == UpsState) >= initial + 2, "periodic republish");
        Assert.InRange(obs.All.Count(s => s.Topic == UpsState), initial + 2, initial + 3);

        // A change goes out at once, without waiting for the interval.
        var watch = Stopwatch.StartNew();
        gw.Hub.Publish(gw.UpsReading(status: "OB DISCHRG", charge: 80));
        await Wait.UntilAsync(() => JsonDocument.Parse(obs.Latest[UpsState].Payload).RootElement.GetProperty("power").GetString() == "OFF", "on-battery state");
        // The virtual clock did not move, so no state_interval elapsed: the change itself sent it (how fast is measured in bench/).
        output.WriteLine($"power loss from hub to a subscriber: {watch.Elapsed.TotalMilliseconds:0.0} ms");
    }

    [Fact]
    public async Task Home_assistant_birth_message_triggers_a_republish_of_configs_then_states_after_one_to_five_seconds()
    {
        var (broker, gw, obs) = await StartAllAsync();
        await using var _b = broker;
        await using var _g = gw;
        await using var _o = obs;
        const string config = "homeassistant/sensor/testgw_ups1/battery_charge/config";
        var before = obs.All.Count(s => s.Topic == config);
        var statesBefore = obs.All.Count(s => s.Topic == UpsState);
        var publishesBefore = gw.Bridge.FullPublishes;

        var sent = DateTime.UtcNow;
        await obs.PublishAsync("homeassistant/status", "online", retain: false);
        await Wait.UntilAsync(() => obs.All.Count(s => s.Topic == config) > before && obs.All.Count(s => s.Topic == UpsState) > statesBefore, "republished config and state", TimeSpan.FromSeconds(60));
        var configAt = obs.All.Last(s => s.Topic == config).At;
        Assert.True(configAt - sent >= TimeSpan.FromSeconds(0.9), $"republished after {(configAt - sent).TotalSeconds:0.00}s");
        output.WriteLine($"republished {(configAt - sent).TotalSeconds:0.00} s after the birth message");
        Assert.Equal(publishesBefore + 1, gw.Bridge.FullPublishes);
        Assert.True(obs.All.Last(s => s.Topic == UpsState).At >= configAt);
    }

    [Fact]
    public async Task A_stale_device_makes_its_entities_unavailable_and_they_come_back_with_fresh_data()
    {
        var (broker, gw, obs) = await StartAllAsync();
        await using var _b = broker;
        await using var _g = gw;
        await using var _o = obs;
        const string availability = GatewayUnderTest.Base + "/ups1/availability";
        Assert.Equal("online", obs.Latest[availability].Payload);

        gw.Hub.ReportLinkState("ups1", LinkState.Stale, "no new reading for 30s");
        await Wait.UntilAsync(() => obs.Latest[availability].Payload == "offline", "ups1 offline");
        await Wait.UntilAsync(() => JsonDocument.Parse(obs.Latest[GatewayState].Payload).RootElement.GetProperty("link_ups1").GetString() == "OFF", "link sensor off");
        Assert.Equal("online", obs.Latest[GatewayUnderTest.Base + "/meter1/availability"].Payload);

        gw.Hub.Publish(gw.UpsReading(charge: 97));
        await Wait.UntilAsync(() => obs.Latest[availability].Payload == "online", "ups1 online again");
        await Wait.UntilAsync(() => JsonDocument.Parse(obs.Latest[UpsState].Payload).RootElement.GetProperty("battery_charge").GetDouble() == 97, "fresh value");

        gw.Hub.ReportLinkState("ups1", LinkState.Lost, "unplugged");
        await Wait.UntilAsync(() => obs.Latest[availability].Payload == "offline", "ups1 offline when lost");

        // A clean stop says offline on the status topic (the last will covers a crash).
        await gw.DisposeAsync();
        await Wait.UntilAsync(() => obs.Latest[GatewayUnderTest.Base + "/status"].Payload == "offline", "gateway offline after stop");
        Assert.True(obs.Latest[GatewayUnderTest.Base + "/status"].Retain);
    }

    [Fact]
    public async Task Retained_commands_are_ignored_and_cleared_while_a_live_press_runs_the_device_command()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var obs = await MqttObserver.ConnectAsync(broker.Port, GatewayUnderTest.Base + "/#");
        const string testTopic = GatewayUnderTest.Base + "/ups1/command/battery_test";
        // Left over on the broker before the gateway starts (someone published with retain).
        await obs.PublishAsync(testTopic, "PRESS", retain: true);

        await using var gw = GatewayUnderTest.Create(broker.Port);
        gw.Hub.Publish(gw.UpsReading());
        await gw.StartAsync();
        await Wait.UntilAsync(() => gw.Session.IsConnected, "connected");
        // And one published retained while the gateway is connected.
        await obs.PublishAsync(testTopic, "PRESS", retain: true);
        // A live press after both: once it has run, the retained ones have been seen (in order) and ignored.
        await obs.PublishAsync(GatewayUnderTest.Base + "/ups1/command/beeper_toggle", "PRESS", retain: false);
        await Wait.UntilAsync(() => gw.Ups.Executed.Contains("beeper.toggle"), "beeper toggle executed");

        Assert.DoesNotContain("test.battery.start.quick", gw.Ups.Executed);
        Assert.Contains(gw.Logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("Ignored a retained command", StringComparison.Ordinal));
        await Wait.UntilAsync(() => !obs.Latest.ContainsKey(testTopic), "retained command cleared");

        await obs.PublishAsync(testTopic, "PRESS", retain: false);
        await Wait.UntilAsync(() => gw.Ups.Executed.Contains("test.battery.start.quick"), "battery test executed on a live press");
    }

    [Fact]
    public async Task Entities_whose_device_left_the_config_or_whose_command_is_gone_get_an_empty_retained_config()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var dataDir = Directory.CreateTempSubdirectory("gw-ha-").FullName;
        var recordPath = Path.Combine(dataDir, HaDiscoveryRecord.FileName);
        await using (var first = GatewayUnderTest.Create(broker.Port, dataDir))
        {
            first.Hub.Publish(first.UpsReading());
            first.Hub.Publish(first.MeterReading());
            await first.StartAsync();
            await Wait.UntilAsync(() => File.Exists(recordPath) && File.ReadAllText(recordPath).Contains("testgw_meter1/import_energy", StringComparison.Ordinal), "record written");
            // The record can be written before the outbox has sent the configs; stopping then would lose them.
            await Wait.UntilAsync(() => first.Session.Outbox.Count == 0, "the configs sent to the broker");
        }
        try
        {
            await using var obs = await MqttObserver.ConnectAsync(broker.Port, "homeassistant/#");
            // The broker hands a new subscriber its retained messages one after another: wait for all of them.
            await Wait.UntilAsync(() => obs.Latest.Keys.Count(t => t.Contains("meter1", StringComparison.Ordinal)) >= 37 + 2, "every meter config retained");
            Assert.Equal(37 + 2, obs.Latest.Keys.Count(t => t.Contains("meter1", StringComparison.Ordinal)));

            Assert.True(obs.Latest.ContainsKey("homeassistant/button/testgw_ups1/battery_test/config"));
            await using var second = GatewayUnderTest.Create(broker.Port, dataDir, withMeter: false, upsCommands: ["beeper.toggle"]);
            second.Hub.Publish(second.UpsReading());
            await second.StartAsync();
            await Wait.UntilAsync(() => !obs.Latest.Keys.Any(t => t.Contains("meter1", StringComparison.Ordinal)), "every meter config cleared");
            await Wait.UntilAsync(() => !obs.Latest.ContainsKey("homeassistant/button/testgw_ups1/battery_test/config"), "unsupported button cleared");
            Assert.True(obs.Latest.ContainsKey("homeassistant/sensor/testgw_ups1/battery_charge/config"));
            Assert.True(obs.Latest.ContainsKey("homeassistant/button/testgw_ups1/beeper_toggle/config"));
            Assert.Contains(obs.All, s => s.Topic == "homeassistant/binary_sensor/testgw/link_meter1/config" && s.Payload.Length == 0 && s.Retain);
            await Wait.UntilAsync(() => !File.ReadAllText(recordPath).Contains("meter1", StringComparison.Ordinal), "record forgets the meter");
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
