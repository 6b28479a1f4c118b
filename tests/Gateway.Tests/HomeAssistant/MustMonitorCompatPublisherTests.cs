using System.Text.Json;
using Gateway.Configuration;
using Gateway.HomeAssistant;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.HomeAssistant;

/// <summary>The MUST EP20 monitor's old document on ups/telemetry, through a real mosquitto, read as its Home Assistant YAML reads it.</summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public class MustMonitorCompatPublisherTests
{
    /// <summary>Every field the old tool's document had (its dataclass, in order).</summary>
    private static readonly string[] OldFields =
    [
        "input_voltage", "output_voltage", "battery_voltage", "battery_level", "load_percent", "load_power", "frequency", "input_frequency",
        "temperature", "timestamp", "status", "uptime", "battery_soc_percent", "battery_current_a", "battery_time_remaining_hours", "battery_time_remaining_minutes",
    ];

    [Fact]
    public async Task The_old_document_arrives_on_ups_telemetry_with_the_old_field_names_and_at_once_on_a_power_change()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var gw = GatewayUnderTest.Create(broker.Port, withMeter: false);
        await using var obs = await MqttObserver.ConnectAsync(broker.Port, "ups/telemetry");
        var options = new CompatMustMonitorOptions { Enabled = true, Topic = "ups/telemetry", Interval = TimeSpan.FromHours(1) };
        using var publisher = new MustMonitorCompatPublisher(options, "ups1", gw.Session, gw.Hub, TimeProvider.System, NullLogger.Instance);
        gw.Hub.Publish(gw.UpsReading(inputVoltage: 229.1, charge: 97));
        await gw.StartAsync();
        await publisher.StartAsync(CancellationToken.None);
        try
        {
            await Wait.UntilAsync(() => obs.All.Count(s => s.Topic == "ups/telemetry") >= 1, "the old document on ups/telemetry", TimeSpan.FromSeconds(20));
            var first = obs.All.First(s => s.Topic == "ups/telemetry");
            Assert.False(first.Retain);
            using (var doc = JsonDocument.Parse(first.Payload))
            {
                var j = doc.RootElement;
                Assert.Equal(OldFields, j.EnumerateObject().Select(p => p.Name));
                // What "{{ value_json.battery_level }}" and friends read in the old Home Assistant YAML:
                Assert.Equal(97, j.GetProperty("battery_level").GetInt32());
                Assert.Equal(229.1, j.GetProperty("input_voltage").GetDouble());
                Assert.Equal("online", j.GetProperty("status").GetString());
                Assert.Equal(23, j.GetProperty("load_percent").GetInt32());
                Assert.Equal(120, j.GetProperty("load_power").GetInt32());
                Assert.Equal(30, j.GetProperty("battery_time_remaining_minutes").GetDouble());
                Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", j.GetProperty("timestamp").GetString());
            }

            // Within the interval a reading with the same status sends nothing; going on battery sends at once.
            gw.Hub.Publish(gw.UpsReading(inputVoltage: 229.3, charge: 97));
            gw.Hub.Publish(gw.UpsReading(status: "OB DISCHRG", inputVoltage: 0, charge: 96));
            await Wait.UntilAsync(() => obs.All.Any(s => s.Topic == "ups/telemetry" && s.Payload.Contains("\"status\":\"battery\"", StringComparison.Ordinal)),
                "the on-battery document", TimeSpan.FromSeconds(20));
            Assert.Equal(2, obs.All.Count(s => s.Topic == "ups/telemetry"));
            Assert.Equal(2, publisher.Published);
        }
        finally
        {
            await publisher.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void The_gateway_starts_the_publisher_only_when_enabled_and_for_the_named_or_only_UPS()
    {
        var yaml = """
            devices:
              - { id: ups, type: must, port: /dev/null }
              - { id: nas-ups, type: nut, ups: ups }
            policy: { protect: nas-ups }
            mqtt:
              host: 127.0.0.1
              compat_must_monitor: { enabled: true }
            """;
        var config = ConfigLoader.LoadText(yaml, null, new Dictionary<string, string>(), []).Config!;
        Assert.Equal("nas-ups", MustMonitorCompatPublisher.DeviceFor(config));
        var named = ConfigLoader.LoadText(yaml.Replace("{ enabled: true }", "{ enabled: true, device: ups }"), null, new Dictionary<string, string>(), []).Config!;
        Assert.Equal("ups", MustMonitorCompatPublisher.DeviceFor(named));
        var wrong = ConfigLoader.LoadText(yaml.Replace("{ enabled: true }", "{ enabled: true, device: grid }"), null, new Dictionary<string, string>(), []);
        Assert.Contains(wrong.Errors, e => e.Key == "mqtt.compat_must_monitor.device" && e.Message.Contains("not a UPS device"));
        var badTopic = ConfigLoader.LoadText(yaml.Replace("{ enabled: true }", "{ enabled: true, topic: 'ups/#' }"), null, new Dictionary<string, string>(), []);
        Assert.Contains(badTopic.Errors, e => e.Key == "mqtt.compat_must_monitor.topic");
    }
}
