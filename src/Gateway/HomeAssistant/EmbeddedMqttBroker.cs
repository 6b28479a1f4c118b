using System.Net;
using Gateway.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Gateway.HomeAssistant;

/// <summary>
/// The built-in MQTT broker (MQTTnet.Server) for users without mosquitto: Home Assistant connects to the gateway
/// directly. When mqtt.username is set, clients must log in with mqtt.username / mqtt.password.
/// </summary>
public sealed class EmbeddedMqttBroker : IHostedService, IAsyncDisposable
{
    private readonly MqttOptions _options;
    private readonly ILogger<EmbeddedMqttBroker> _log;
    private MqttServer? _server;

    public EmbeddedMqttBroker(MqttOptions options, ILogger<EmbeddedMqttBroker> log)
    {
        _options = options;
        _log = log;
    }

    public int Port => _options.EmbeddedPort;
    public bool IsRunning => _server?.IsStarted == true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var factory = new MqttServerFactory();
        var serverOptions = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Any)
            .WithDefaultEndpointPort(_options.EmbeddedPort)
            .Build();
        var server = factory.CreateMqttServer(serverOptions);
        var user = _options.Username;
        var password = _options.Password ?? "";
        server.ValidatingConnectionAsync += e =>
        {
            if (user is not null && (e.UserName != user || e.Password != password))
            {
                e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
                _log.LogWarning("Built-in MQTT broker: rejected client {ClientId} (wrong user name or password)", e.ClientId);
                return Task.CompletedTask;
            }
            // Clients that leave the id to the server (mosquitto_sub, paho with MQTT 5) get one assigned.
            if (string.IsNullOrEmpty(e.ClientId)) e.AssignedClientIdentifier = "auto-" + Guid.NewGuid().ToString("N")[..12];
            return Task.CompletedTask;
        };
        try
        {
            await server.StartAsync().ConfigureAwait(false);
            _server = server;
            _log.LogInformation("Built-in MQTT broker listening on port {Port}", _options.EmbeddedPort);
        }
        catch (Exception e)
        {
            // A busy port must not stop the gateway; the session keeps retrying and health shows it.
            _log.LogError("Built-in MQTT broker cannot listen on port {Port}: {Reason}", _options.EmbeddedPort, e.Message);
            server.Dispose();
        }
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
    }
}
