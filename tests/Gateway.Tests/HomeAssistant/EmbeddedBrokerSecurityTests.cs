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

    /// <summary>The built-in broker on <paramref name="port"/> with the test login, logging to <paramref name="factory"/>.</summary>
    private static EmbeddedMqttBroker NewBroker(int port, ILoggerFactory factory)
    {
        var config = GatewayUnderTest.LoadConfig(port, Path.GetTempPath());
        return new EmbeddedMqttBroker(config with { Mqtt = config.Mqtt with { EmbeddedPort = port } },
            new EmbeddedBrokerCredentials(MosquittoBroker.User, MosquittoBroker.Password, null), factory.CreateLogger<EmbeddedMqttBroker>());
    }

    [Fact]
    public async Task A_busy_broker_port_is_one_error_line_with_the_cause_and_the_fix_and_the_start_goes_on()
    {
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var broker = NewBroker(port, factory);
        await broker.StartAsync(CancellationToken.None);
        var line = Assert.Single(logs.Lines, l => l.Message.Contains("cannot listen", StringComparison.Ordinal)).Message;
        Assert.Contains($":{port}: the address is already in use by another program", line);
        Assert.Contains("Fix: set mqtt.embedded_port", line);
        Assert.Contains("keep running", line);
    }

    [Fact]
    public async Task Other_clients_may_press_buttons_but_not_publish_elsewhere_and_oversized_packets_end_their_connection()
    {
        var port = Support.FreePort.Next();
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var broker = NewBroker(port, factory);
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

    private static async Task<(EmbeddedMqttBroker Broker, GatewayConfig Config, CapturingLoggerProvider Logs, ILoggerFactory Factory)> StartBrokerAsync()
    {
        var port = FreePort.Next();
        var config = GatewayUnderTest.LoadConfig(port, Path.GetTempPath());
        config = config with { Mqtt = config.Mqtt with { EmbeddedPort = port } };
        var logs = new CapturingLoggerProvider();
        var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var broker = new EmbeddedMqttBroker(config, new EmbeddedBrokerCredentials(MosquittoBroker.User, MosquittoBroker.Password, null), factory.CreateLogger<EmbeddedMqttBroker>());
        await broker.StartAsync(CancellationToken.None);
        return (broker, config, logs, factory);
    }

    private static MqttClientOptions Options(int port, string clientId, string user, string password, MQTTnet.Formatter.MqttProtocolVersion version, bool clean = true) =>
        new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithCredentials(user, password).WithClientId(clientId)
            .WithProtocolVersion(version).WithCleanSession(clean).WithSessionExpiryInterval(clean ? 0u : 3600u).WithTimeout(TimeSpan.FromSeconds(30)).Build();

    /// <summary>Whether the broker accepted the connection (MQTTnet throws for some refusals and returns a result code for others).</summary>
    private static async Task<bool> TryConnectAsync(IMqttClient client, MqttClientOptions options)
    {
        try
        {
            var result = await client.ConnectAsync(options);
            return result.ResultCode == MqttClientConnectResultCode.Success && client.IsConnected;
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            return false;
        }
    }

    [Theory]
    [InlineData(MQTTnet.Formatter.MqttProtocolVersion.V311)]
    [InlineData(MQTTnet.Formatter.MqttProtocolVersion.V500)]
    public async Task A_second_client_with_the_gateways_client_id_is_refused_and_the_gateway_keeps_its_session(MQTTnet.Formatter.MqttProtocolVersion version)
    {
        var (broker, config, logs, factory) = await StartBrokerAsync();
        await using var _ = broker;
        using var __ = factory;
        var id = config.Mqtt.ClientId;
        using var gateway = new MqttClientFactory().CreateMqttClient();
        await gateway.ConnectAsync(Options(broker.Port, id, broker.OwnLogin.Username, broker.OwnLogin.Password, MQTTnet.Formatter.MqttProtocolVersion.V500));

        // Someone holding the Home Assistant login (or none) tries the gateway's id: refused, the gateway stays connected.
        foreach (var (user, password) in new[] { (MosquittoBroker.User, MosquittoBroker.Password), ("", ""), (broker.OwnLogin.Username, "guess") })
        {
            using var impostor = new MqttClientFactory().CreateMqttClient();
            Assert.False(await TryConnectAsync(impostor, Options(broker.Port, id, user, password, version)));
        }
        Assert.True(gateway.IsConnected);
        Assert.Contains(logs.Lines, l => l.Message.Contains("it used the gateway's own client id", StringComparison.Ordinal));

        // The gateway's session still publishes where only it may.
        await using var obs = await MqttObserver.ConnectAsync(broker.Port, GatewayUnderTest.Base + "/#");
        await gateway.PublishStringAsync(GatewayUnderTest.Base + "/ups1/state", "{\"ok\":1}", MqttQualityOfServiceLevel.AtLeastOnce);
        await Wait.UntilAsync(() => obs.Latest.ContainsKey(GatewayUnderTest.Base + "/ups1/state"), "the gateway's state to pass");
    }

    [Fact]
    public async Task A_client_asking_for_a_persistent_session_gets_none_so_sessions_never_outlive_connections()
    {
        var (broker, _, _, factory) = await StartBrokerAsync();
        await using var _b = broker;
        using var _f = factory;
        foreach (var version in new[] { MQTTnet.Formatter.MqttProtocolVersion.V311, MQTTnet.Formatter.MqttProtocolVersion.V500 })
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            var persistent = Options(broker.Port, $"persistent-{version}", MosquittoBroker.User, MosquittoBroker.Password, version, clean: false);
            Assert.True(await TryConnectAsync(client, persistent));
            await client.SubscribeAsync("#", MqttQualityOfServiceLevel.AtLeastOnce);
            await client.DisconnectAsync();
            // Nothing was kept for it while it was away (no queue growing for a client that never comes back). The
            // client's disconnect returns before the broker has processed it; a reconnect in that instant takes over the
            // live session, so a few tries are allowed: a broker that kept sessions shows one on every try.
            var again = await client.ConnectAsync(persistent);
            for (var attempt = 0; again.IsSessionPresent && attempt < 5; attempt++)
            {
                await client.DisconnectAsync();
                await Task.Delay(200);
                again = await client.ConnectAsync(persistent);
            }
            Assert.Equal(MqttClientConnectResultCode.Success, again.ResultCode);
            Assert.False(again.IsSessionPresent);
        }
    }

    [Fact]
    public async Task Retained_messages_are_capped_in_bytes_counting_their_topics()
    {
        var (broker, _, _, factory) = await StartBrokerAsync();
        await using var _b = broker;
        using var _f = factory;
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Options(broker.Port, "long-topics", MosquittoBroker.User, MosquittoBroker.Password, MQTTnet.Formatter.MqttProtocolVersion.V500));
        // Button topics whose device part is 60 KB long (MQTT allows 64 KB), with a one-byte payload: the memory is in the topics.
        for (var i = 0; i < 80; i++)
            await client.PublishStringAsync($"{GatewayUnderTest.Base}/{i}{new string('d', 60 * 1024)}/command/press", "x", MqttQualityOfServiceLevel.AtLeastOnce, retain: true);
        var (count, bytes) = broker.Retained;
        Assert.InRange(bytes, 60 * 1024, EmbeddedMqttBroker.MaxRetainedBytes);
        Assert.InRange(count, 1, (int)(EmbeddedMqttBroker.MaxRetainedBytes / (60 * 1024)));
    }

    [Fact]
    public async Task An_mqtt_311_client_without_a_client_id_is_given_one_as_mosquitto_pub_expects()
    {
        var (broker, _, _, factory) = await StartBrokerAsync();
        await using var _b = broker;
        using var _f = factory;
        // mosquitto_pub without -i: MQTT 3.1.1, clean session, a zero-length client id, user name and password.
        var user = System.Text.Encoding.ASCII.GetBytes(MosquittoBroker.User);
        var password = System.Text.Encoding.ASCII.GetBytes(MosquittoBroker.Password);
        byte[] body = [0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0xC2, 0, 60, 0, 0,
            0, (byte)user.Length, .. user, 0, (byte)password.Length, .. password];
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", broker.Port);
        var s = tcp.GetStream();
        // Sent in two pieces, as a slow link would: the broker must wait for the whole CONNECT.
        byte[] packet = [0x10, (byte)body.Length, .. body];
        await s.WriteAsync(packet.AsMemory(0, 5));
        await s.FlushAsync();
        await Task.Yield();
        await s.WriteAsync(packet.AsMemory(5));
        var connack = new byte[4];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await s.ReadExactlyAsync(connack, cts.Token);
        Assert.Equal(new byte[] { 0x20, 2, 0, 0 }, connack);
        // The session works: PINGREQ gets PINGRESP.
        await s.WriteAsync(new byte[] { 0xC0, 0 });
        var pong = new byte[2];
        await s.ReadExactlyAsync(pong, cts.Token);
        Assert.Equal(new byte[] { 0xD0, 0 }, pong);
    }

    [Fact]
    public void Only_an_mqtt_311_connect_with_an_empty_client_id_is_rewritten()
    {
        byte[] empty = [0x10, 12, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 2, 0, 60, 0, 0];
        var filled = MqttEmptyClientId.Fill(empty, "auto-1")!;
        Assert.Equal([0x10, 18, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 2, 0, 60, 0, 6, .. "auto-1"u8.ToArray()], filled);
        Assert.Null(MqttEmptyClientId.Fill([0x10, 13, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 2, 0, 60, 0, 1, (byte)'x'], "auto-1"));
        Assert.Null(MqttEmptyClientId.Fill([0x10, 13, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 5, 2, 0, 60, 0, 0, 0], "auto-1"));
        Assert.Null(MqttEmptyClientId.Fill([0x30, 2, 0, 0], "auto-1"));
        // Clean session off: an empty id is refused by the broker, not given one.
        Assert.Null(MqttEmptyClientId.Fill([0x10, 12, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0, 0, 60, 0, 0], "auto-1"));
        Assert.Equal(14, MqttEmptyClientId.PacketSize(empty));
        Assert.Null(MqttEmptyClientId.PacketSize([0x10]));
    }
}
