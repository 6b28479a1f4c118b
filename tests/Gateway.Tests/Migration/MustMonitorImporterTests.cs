using Gateway.Configuration;
using Gateway.Migration;
using static Gateway.Tests.Migration.ImportFixtures;

namespace Gateway.Tests.Migration;

public class MustMonitorImporterTests
{
    private static ImportResult Import(string yaml) => MustMonitorImporter.Import(yaml, "config.yaml");

    [Fact]
    public void EveryKeyOfAFullConfigIsMappedOrNamedWithWhy()
    {
        var result = MustMonitorImporter.Import(Read("must-monitor-config.yaml"), "config.yaml");
        var config = Loads(result);

        var ups = Assert.IsType<MustDeviceOptions>(Assert.Single(config.Devices));
        Assert.Equal("/dev/ttyUSB0", ups.Serial.Port);
        Assert.Equal(9600, ups.Serial.Baud);
        Assert.Equal(ImportItemStatus.Review, Item(result, "serial.port").Status);
        Assert.Contains("/dev/serial/by-id/", Item(result, "serial.port").Note);
        Assert.Equal("devices[0].baud", Item(result, "serial.baudrate").NewName);

        Assert.Equal("http://0.0.0.0:8081", config.Web.Listen);
        Assert.Equal("web.listen", Item(result, "web.port").NewName);
        Assert.Equal("web.listen", Item(result, "web.host").NewName);

        Assert.True(config.Mqtt.Enabled);
        Assert.Equal("192.168.1.10", config.Mqtt.Host);
        Assert.Equal(1883, config.Mqtt.Port);
        Assert.Equal("mqtt_user", config.Mqtt.Username);
        Assert.Equal("mqtt_password", config.Mqtt.Password);
        Assert.Equal("ups_monitor", config.Mqtt.ClientId);
        Assert.True(config.Mqtt.CompatMustMonitor.Enabled);
        Assert.Equal("ups/telemetry", config.Mqtt.CompatMustMonitor.Topic);
        Assert.Equal(ImportItemStatus.Review, Item(result, "mqtt.topic").Status);

        // 55 Ah, 88 %, Peukert 1.15 on 12 V: about 20 min at 1000 W, 45 at 500 W.
        Assert.NotNull(ups.RuntimeCal);
        Assert.InRange(ups.RuntimeCal!.RuntimeHigh, 1100, 1350);
        Assert.InRange(ups.RuntimeCal.RuntimeLow, 2500, 2950);
        Assert.Equal(100, ups.RuntimeCal.LoadHigh);
        foreach (var k in new[] { "battery.capacity_ah", "battery.inverter_efficiency", "battery.peukert_k" })
            Assert.Equal(("devices[0].runtimecal", ImportItemStatus.Review), (Item(result, k).NewName, Item(result, k).Status));

        Assert.Equal("warning", config.Logging.Level);

        foreach (var (key, why) in new[]
        {
            ("monitoring.interval", "every second"), ("monitoring.max_errors", "never gives up"), ("monitoring.use_modbus_parser", "Modbus RTU"),
            ("logging.file", "journal"), ("logging.console", "standard output"),
            ("mqtt.retain", "not a setting"), ("alerts.min_battery", "not a setting"),
        })
        {
            var item = Item(result, key);
            Assert.Equal(ImportItemStatus.Unmapped, item.Status);
            Assert.Null(item.NewName);
            Assert.Contains(why, item.Note);
            Assert.True(item.Line > 0, $"{key} has no line");
        }
        // Every key of the old file is in the report once.
        Assert.Equal(22, result.Report.Items.Count);
        Assert.Equal(result.Report.Items.Count, result.Report.Items.Select(i => i.OldName).Distinct().Count());
    }

    [Fact]
    public void AMinimalConfigGivesTheDeviceAndNothingElse()
    {
        var result = MustMonitorImporter.Import(Read("must-monitor-minimal.yaml"), "minimal.yaml");
        var config = Loads(result);
        var ups = Assert.IsType<MustDeviceOptions>(Assert.Single(config.Devices));
        Assert.Equal("/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0", ups.Serial.Port);
        Assert.Equal(ImportItemStatus.Mapped, Item(result, "serial.port").Status);
        Assert.False(config.Mqtt.Enabled);
        Assert.False(config.Mqtt.CompatMustMonitor.Enabled);
        Assert.Single(result.Report.Items);
    }

    [Fact]
    public void WithoutASerialPortTheUdevNameIsWrittenForReview()
    {
        var result = Import("web:\n  port: 8080\n");
        var config = Loads(result);
        Assert.Equal("/dev/gateway-ups", Assert.IsType<MustDeviceOptions>(Assert.Single(config.Devices)).Serial.Port);
        Assert.Equal(ImportItemStatus.Review, Item(result, "serial.port").Status);
        Assert.Equal("http://0.0.0.0:8080", config.Web.Listen);
    }

    [Fact]
    public void ABrokerWithMqttDisabledStaysOffAndSaysWhy()
    {
        var result = Import("serial: { port: /dev/gateway-ups }\nmqtt:\n  enabled: false\n  broker: 10.0.0.2\n  topic: old/topic\n");
        var config = Loads(result);
        Assert.False(config.Mqtt.Enabled);
        Assert.Equal("10.0.0.2", config.Mqtt.Host);
        Assert.False(config.Mqtt.CompatMustMonitor.Enabled);
        Assert.Equal("old/topic", config.Mqtt.CompatMustMonitor.Topic);
        Assert.Equal(ImportItemStatus.Review, Item(result, "mqtt.enabled").Status);
        Assert.Contains("set mqtt.enabled: true", Item(result, "mqtt.enabled").Note);
    }

    [Fact]
    public void MqttEnabledWithoutABrokerUsesTheOldDefaultLocalhost()
    {
        var config = Loads(Import("serial: { port: /dev/gateway-ups }\nmqtt: { enabled: true }\n"));
        Assert.Equal("localhost", config.Mqtt.Host);
        Assert.True(config.Mqtt.CompatMustMonitor.Enabled);
        Assert.Equal("ups/telemetry", config.Mqtt.CompatMustMonitor.Topic);
    }

    [Fact]
    public void MqttNotInUseLeavesTheTopicOut()
    {
        var result = Import("serial: { port: /dev/gateway-ups }\nmqtt: { enabled: false, topic: ups/telemetry }\n");
        var config = Loads(result);
        Assert.False(config.Mqtt.Enabled);
        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "mqtt.topic").Status);
        Assert.Equal(ImportItemStatus.Mapped, Item(result, "mqtt.enabled").Status);
    }

    [Theory]
    [InlineData("DEBUG", "debug")]
    [InlineData("info", "information")]
    [InlineData("ERROR", "error")]
    [InlineData("CRITICAL", "critical")]
    public void PythonLogLevelsBecomeTheGatewaysLevels(string old, string now) =>
        Assert.Equal(now, Loads(Import($"serial: {{ port: /dev/x }}\nlogging: {{ level: {old} }}\n")).Logging.Level);

    [Fact]
    public void BadValuesAreLeftOutWithTheirReason()
    {
        var result = Import("""
            serial: { port: /dev/x, baudrate: fast }
            logging: { level: LOUD }
            battery: { capacity_ah: -5 }
            mqtt: { enabled: maybe, port: 99999, broker: b }
            web: [1, 2]
            """);
        var config = Loads(result);
        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "serial.baudrate").Status);
        Assert.Contains("whole number", Item(result, "serial.baudrate").Note);
        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "logging.level").Status);
        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "battery.capacity_ah").Status);
        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "mqtt.enabled").Status);
        // 99999 passes the importer but not the gateway's range check: left out with the gateway's own reason.
        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "mqtt.port").Status);
        Assert.Contains("between 1 and 65535", Item(result, "mqtt.port").Note);
        Assert.Equal(1883, config.Mqtt.Port);
        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "web").Status);
    }

    [Theory]
    [InlineData("serial: [unclosed", "not valid YAML")]
    [InlineData("", "holds no settings")]
    [InlineData("- a\n- b\n", "holds no settings")]
    public void InputThatIsNotTheMonitorsConfigIsRefusedWithAReason(string yaml, string expected)
    {
        var result = Import(yaml);
        Assert.False(result.Succeeded);
        Assert.Contains(expected, result.Problem);
    }

    [Fact]
    public void StringsThatLookLikeOtherTypesAreQuotedSoTheyStayStrings()
    {
        var config = Loads(Import("serial: { port: /dev/x }\nmqtt: { enabled: true, broker: h, username: 'yes', password: '0123', client_id: 'a: b # c' }\n"));
        Assert.Equal("yes", config.Mqtt.Username);
        Assert.Equal("0123", config.Mqtt.Password);
        Assert.Equal("a: b # c", config.Mqtt.ClientId);
    }
}
