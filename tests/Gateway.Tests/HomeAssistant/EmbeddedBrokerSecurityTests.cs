using System.Net.Sockets;
using Gateway.Configuration;
using Gateway.HomeAssistant;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Gateway.Tests.HomeAssistant;

/// <summary>The built-in broker's login, its packet-size guard, its topic rule and the per-installation client id.</summary>
public sealed class EmbeddedBrokerSecurityTests
{
    [Fact]
    public void A_login_is_generated_once_into_the_data_dir_with_mode_0600_and_reused()
    {
        using var dir = new TempDir("gw-broker-login");
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var config = TestConfig.Load($"gateway:\n  data_dir: {dir.Path}\nmqtt:\n  embedded_broker: true\n");
        var first = EmbeddedBrokerCredentials.Resolve(config.Mqtt, dir.Path, demo: false, factory.CreateLogger("t"));
        Assert.True(first.Required);
        Assert.Equal(EmbeddedBrokerCredentials.GeneratedUser, first.Username);
        Assert.Equal(32, first.Password.Length);
        var path = EmbeddedBrokerCredentials.PathIn(dir.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var second = EmbeddedBrokerCredentials.Resolve(config.Mqtt, dir.Path, demo: false, factory.CreateLogger("t"));
        Assert.Equal(first.Password, second.Password);
        // Shown once: the second start does not log the password again.
        Assert.Single(logs.Lines, l => l.Message.Contains(first.Password, StringComparison.Ordinal));
        // Demo mode without mqtt.username stays open; a configured user is used as it is.
        Assert.False(EmbeddedBrokerCredentials.Resolve(config.Mqtt, dir.Path, demo: true, factory.CreateLogger("t")).Required);
        Assert.Equal("me", EmbeddedBrokerCredentials.Resolve(config.Mqtt with { Username = "me", Password = "pw" }, dir.Path, demo: true, factory.CreateLogger("t")).Username);
        Assert.True(first.Matches("homeassistant", first.Password));
        Assert.False(first.Matches("homeassistant", first.Password + "x"));
        Assert.False(first.Matches("other", first.Password));
    }

    [Fact]
    public void Check_config_shows_where_the_login_is_and_then_the_login()
    {
        using var dir = new TempDir("gw-broker-hint");
        var file = Path.Combine(dir.Path, "config.yaml");
        File.WriteAllText(file, $"gateway:\n  data_dir: {dir.Path}\nmqtt:\n  embedded_broker: true\n");
        var output = new StringWriter();
        Assert.Equal(0, Gateway.Commands.CheckConfigCommand.Run(file, [], output, new StringWriter()));
        Assert.Contains("generates its login at first start", output.ToString());
        var login = EmbeddedBrokerCredentials.Resolve(TestConfig.Load(File.ReadAllText(file)).Mqtt, dir.Path, false, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        output = new StringWriter();
        Gateway.Commands.CheckConfigCommand.Run(file, [], output, new StringWriter());
        Assert.Contains($"user 'homeassistant' with password '{login.Password}'", output.ToString());
    }

    [Fact]
    public void The_packet_guard_passes_normal_packets_and_stops_an_oversized_length_before_its_body()
    {
        var guard = new MqttPacketSizeGuard(1000);
        // CONNECT-like packet of 10 bytes body, then a PUBLISH of 300 bytes split across reads.
        Assert.True(guard.Accept([0x10, 10, .. new byte[10]]));
        Assert.True(guard.Accept([0x30, 0xAC, 0x02]));       // 300 = 0x2C + 2*128
        Assert.True(guard.Accept(new byte[200]));
        Assert.True(guard.Accept(new byte[100]));
        // 2,000,000 announced: refused as soon as the length is complete.
        Assert.False(new MqttPacketSizeGuard(1000).Accept([0x30, 0x80, 0x89, 0x7A]));
        // A malformed five-byte length is refused too.
        Assert.False(new MqttPacketSizeGuard(int.MaxValue).Accept([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]));
    }

    [Fact]
    public void The_default_client_id_carries_a_short_hash_of_the_machine_id()
    {
        var config = TestConfig.Load("gateway:\n  name: garage\n");
        Assert.Matches("^gateway-garage-[0-9a-f]{8}$", config.Mqtt.ClientId);
        Assert.Equal(InstallationId.Short, config.Mqtt.ClientId[^8..]);
        Assert.NotEqual(InstallationId.FromMachineId("3d1219c7c4c5404aaa1f6d2a48adfda4"), InstallationId.FromMachineId("0d1219c7c4c5404aaa1f6d2a48adfda4"));
        Assert.DoesNotContain(File.Exists("/etc/machine-id") ? File.ReadAllText("/etc/machine-id").Trim() : "no machine id", config.Mqtt.ClientId);
    }

    [Fact]
    public async Task Other_clients_may_press_buttons_but_not_publish_elsewhere_and_oversized_packets_end_their_connection()
    {
        var port = Support.FreePort.Next();
        var config = GatewayUnderTest.LoadConfig(port, Path.GetTempPath());
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var broker = new EmbeddedMqttBroker(config with { Mqtt = config.Mqtt with { EmbeddedPort = port } },
            new EmbeddedBrokerCredentials(MosquittoBroker.User, MosquittoBroker.Password, null), factory.CreateLogger<EmbeddedMqttBroker>());
        await broker.StartAsync(CancellationToken.None);
        await using var obs = await MqttObserver.ConnectAsync(port, "#");

        using var intruder = new MqttClientFactory().CreateMqttClient();
        await intruder.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithCredentials(MosquittoBroker.User, MosquittoBroker.Password)
            .WithClientId("intruder").WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311).Build());
        await intruder.PublishStringAsync(GatewayUnderTest.Base + "/ups1/state", "{\"fake\":1}", MqttQualityOfServiceLevel.AtLeastOnce, retain: true);
        await intruder.PublishStringAsync("homeassistant/sensor/x/config", "{}", MqttQualityOfServiceLevel.AtLeastOnce, retain: true);
        await intruder.PublishStringAsync(GatewayUnderTest.Base + "/ups1/command/battery_test", "PRESS", MqttQualityOfServiceLevel.AtLeastOnce);
        await Wait.UntilAsync(() => obs.Latest.ContainsKey(GatewayUnderTest.Base + "/ups1/command/battery_test"), "the button press to pass");
        Assert.False(obs.Latest.ContainsKey(GatewayUnderTest.Base + "/ups1/state"));
        Assert.False(obs.Latest.ContainsKey("homeassistant/sensor/x/config"));
        Assert.Single(logs.Lines, l => l.Message.Contains("client intruder may publish only", StringComparison.Ordinal));

        // A packet announcing 1 MB: the connection ends before the body is sent.
        using var raw = new TcpClient();
        await raw.ConnectAsync("127.0.0.1", port);
        var s = raw.GetStream();
        await s.WriteAsync(new byte[] { 0x10, 0x80, 0x80, 0x40 });
        var buffer = new byte[16];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await s.ReadAsync(buffer, cts.Token));
        await Wait.UntilAsync(() => logs.Lines.Any(l => l.Message.Contains("larger than", StringComparison.Ordinal)), "the oversized packet to be logged");
    }
}
