using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Gateway.HomeAssistant;

/// <summary>
/// The built-in MQTT broker (MQTTnet.Server) for users without mosquitto: Home Assistant connects to the gateway
/// directly. Listens on <c>mqtt.embedded_listen</c> only (127.0.0.1 unless opened), requires the login of
/// <see cref="EmbeddedBrokerCredentials"/> (compared in constant time), and bounds what clients can make it hold:
/// packet size, connections, queued messages per client, retained messages. Clients other than the gateway may
/// publish only button presses (<c>&lt;base&gt;/&lt;device&gt;/command/&lt;key&gt;</c>) and Home Assistant's birth.
/// The gateway's own session logs in with <see cref="OwnLogin"/>, a secret made at each start that never leaves the
/// process: a client using the gateway's client id without it is refused, so nobody holding the Home Assistant login
/// can take the gateway's session over or publish as the gateway. MQTTnet's server keeps no session beyond its
/// connection (even when a client asks for a persistent one), so sessions are capped with the connections.
/// </summary>
public sealed class EmbeddedMqttBroker : IHostedService, IAsyncDisposable
{
    public const int MaxPacketSize = 256 * 1024;
    public const int MaxConnections = 32;
    public const int MaxPendingMessagesPerClient = 256;
    public const int MaxRetainedMessages = 2000;
    public const long MaxRetainedBytes = 4 * 1024 * 1024;

    private readonly MqttOptions _options;
    private readonly EmbeddedBrokerCredentials _credentials;
    private readonly HaTopics _topics;
    private readonly ILogger<EmbeddedMqttBroker> _log;
    private readonly Lock _retainedGate = new();
    private readonly Dictionary<string, long> _retained = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reportedClients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _ownClientIds = new(StringComparer.Ordinal);
    private long _retainedBytes;
    private MqttServer? _server;
    private EmbeddedMqttListener? _listener;

    public EmbeddedMqttBroker(GatewayConfig config, EmbeddedBrokerCredentials credentials, ILogger<EmbeddedMqttBroker> log)
    {
        _options = config.Mqtt;
        _credentials = credentials;
        _topics = new HaTopics(config.Mqtt.BaseTopic, config.Mqtt.DiscoveryPrefix, config.Gateway.Name);
        _log = log;
    }

    /// <summary>The login of the gateway's own session: a random secret per start, known only to this process.</summary>
    public EmbeddedBrokerCredentials OwnLogin { get; } = new("power-gateway-internal", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), null);

    public int Port => _listener?.LocalEndpoint?.Port ?? _options.EmbeddedPort;
    public bool IsRunning => _server?.IsStarted == true;
    /// <summary>Retained messages held right now, and their payload bytes.</summary>
    public (int Count, long Bytes) Retained
    {
        get { lock (_retainedGate) return (_retained.Count, _retainedBytes); }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var factory = new MqttServerFactory();
        var serverOptions = factory.CreateServerOptionsBuilder()
            .WithMaxPendingMessagesPerClient(MaxPendingMessagesPerClient)
            .Build();
        var address = IPAddress.Parse(_options.EmbeddedListen);
        _listener = new EmbeddedMqttListener(new IPEndPoint(address, _options.EmbeddedPort), MaxPacketSize, MaxConnections, _log);
        var server = factory.CreateMqttServer(serverOptions, [_listener]);
        server.ValidatingConnectionAsync += Validate;
        server.InterceptingPublishAsync += InterceptPublish;
        try
        {
            await server.StartAsync().ConfigureAwait(false);
            _server = server;
            _log.LogInformation("Built-in MQTT broker listening on {Address}:{Port}{Login}", _options.EmbeddedListen, Port,
                !_credentials.Required ? " without a login (demo mode)" : $" (login: user '{_credentials.Username}')");
        }
        catch (Exception e)
        {
            // A busy port must not stop the gateway; the session keeps retrying and health shows it.
            _log.LogError("Built-in MQTT broker cannot listen on {Address}:{Port}: {Reason}. The devices, the shutdown policy and the NUT server keep running; Home Assistant gets nothing until the broker runs. Fix: set mqtt.embedded_port (or mqtt.embedded_listen) to a free address, or stop the program that uses it ('ss -ltnp' shows it), then restart the gateway",
                _options.EmbeddedListen, _options.EmbeddedPort, Gateway.Hosting.OptionalWebServer.Reason(e));
            server.Dispose();
        }
    }

    private Task Validate(ValidatingConnectionEventArgs e)
    {
        if (OwnLogin.Matches(e.UserName, e.Password))
        {
            _ownClientIds.TryAdd(e.ClientId, 0);
            return Task.CompletedTask;
        }
        if (IsGatewayClientId(e.ClientId))
        {
            // MQTT lets a newcomer with the same id end the older session: the gateway's id is only for the gateway.
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            _log.LogWarning("Built-in MQTT broker: refused client from {Endpoint}: it used the gateway's own client id {ClientId}, which would end the gateway's session. "
                + "Give that client its own client id", e.RemoteEndPoint, e.ClientId);
            return Task.CompletedTask;
        }
        if (!_credentials.Matches(e.UserName, e.Password))
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            _log.LogWarning("Built-in MQTT broker: rejected client {ClientId} from {Endpoint} (wrong user name or password)", e.ClientId, e.RemoteEndPoint);
            return Task.CompletedTask;
        }
        // Clients that leave the id to the server (mosquitto_sub, paho with MQTT 5) get one assigned.
        if (string.IsNullOrEmpty(e.ClientId)) e.AssignedClientIdentifier = "auto-" + Guid.NewGuid().ToString("N")[..12];
        return Task.CompletedTask;
    }

    private bool IsGatewayClientId(string clientId) =>
        clientId.Length > 0 && (clientId == _options.ClientId || _ownClientIds.ContainsKey(clientId));

    /// <summary>What a retained message makes the broker hold: payload, topic and properties (a long topic is memory too).</summary>
    private static long HeldBytes(MQTTnet.MqttApplicationMessage m)
    {
        long size = m.Payload.Length + Encoding.UTF8.GetByteCount(m.Topic) + (m.ResponseTopic?.Length ?? 0) + (m.ContentType?.Length ?? 0) + (m.CorrelationData?.Length ?? 0);
        if (m.UserProperties is { } properties)
            foreach (var p in properties) size += p.Name.Length + p.ValueBuffer.Length;
        return size;
    }

    private Task InterceptPublish(InterceptingPublishEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        var isGateway = _ownClientIds.ContainsKey(e.ClientId);
        if (!isGateway && topic != _topics.HomeAssistantStatus && !_topics.TryParseCommand(topic, out _, out _))
        {
            e.ProcessPublish = false;
            ReportOnce(e.ClientId, $"may publish only to {_topics.CommandFilter} and {_topics.HomeAssistantStatus}; dropped its message to '{topic}'");
            return Task.CompletedTask;
        }
        if (!e.ApplicationMessage.Retain) return Task.CompletedTask;
        var size = e.ApplicationMessage.Payload.Length == 0 ? 0 : HeldBytes(e.ApplicationMessage);
        lock (_retainedGate)
        {
            var old = _retained.GetValueOrDefault(topic, -1);
            if (size == 0)
            {
                if (old >= 0)
                {
                    _retained.Remove(topic);
                    _retainedBytes -= old;
                }
                return Task.CompletedTask;
            }
            var count = _retained.Count + (old < 0 ? 1 : 0);
            var bytes = _retainedBytes - Math.Max(old, 0) + size;
            if (count > MaxRetainedMessages || bytes > MaxRetainedBytes)
            {
                e.ProcessPublish = false;
                ReportOnce(e.ClientId, $"the broker holds its maximum of retained messages ({MaxRetainedMessages} or {MaxRetainedBytes / 1024 / 1024} MB); dropped the retained message to '{topic}'");
                return Task.CompletedTask;
            }
            _retained[topic] = size;
            _retainedBytes = bytes;
        }
        return Task.CompletedTask;
    }

    private void ReportOnce(string clientId, string what)
    {
        lock (_reportedClients)
        {
            if (_reportedClients.Count > 1000) _reportedClients.Clear();
            if (!_reportedClients.Add(clientId)) return;
        }
        _log.LogWarning("Built-in MQTT broker: client {ClientId} {What} (logged once per client)", clientId, what);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } s)
        {
            try { await s.StopAsync().ConfigureAwait(false); }
            catch (Exception e) { _log.LogDebug("Built-in MQTT broker stop: {Reason}", e.Message); }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { } s)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            s.Dispose();
            _server = null;
        }
        _listener?.Dispose();
    }
}
