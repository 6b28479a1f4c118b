using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace Gateway.HomeAssistant;

/// <summary>
/// The TCP side of the built-in broker, in place of MQTTnet's own: binds one address (<c>mqtt.embedded_listen</c>),
/// caps the connections, and reads every client through a <see cref="MqttPacketSizeGuard"/> (MQTTnet itself would
/// allocate whatever length a packet announces, up to 256 MB).
/// </summary>
public sealed class EmbeddedMqttListener : IMqttServerAdapter
{
    private readonly IPEndPoint _endpoint;
    private readonly int _maxPacketSize;
    private readonly int _maxConnections;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private int _connections;
    private int _refusedReported;
    private int _disposed;

    public EmbeddedMqttListener(IPEndPoint endpoint, int maxPacketSize, int maxConnections, ILogger log)
    {
        _endpoint = endpoint;
        _maxPacketSize = maxPacketSize;
        _maxConnections = maxConnections;
        _log = log;
    }

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public IPEndPoint? LocalEndpoint => _listener?.LocalEndpoint as IPEndPoint;

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        var listener = new TcpListener(_endpoint);
        listener.Start(64);
        _listener = listener;
        _ = Task.Run(() => AcceptLoop(listener, options, logger, _stop.Token));
        return Task.CompletedTask;
    }

    private async Task AcceptLoop(TcpListener listener, MqttServerOptions options, IMqttNetLogger logger, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await listener.AcceptSocketAsync(ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException e)
            {
                _log.LogWarning("Built-in MQTT broker: accept failed: {Error}", e.Message);
                try { await Task.Delay(200, ct).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
                continue;
            }
            if (Interlocked.Increment(ref _connections) > _maxConnections)
            {
                Interlocked.Decrement(ref _connections);
                if (Interlocked.Exchange(ref _refusedReported, 1) == 0)
                    _log.LogWarning("Built-in MQTT broker: {Max} clients are connected; refusing more (logged once until one leaves)", _maxConnections);
                socket.Dispose();
                continue;
            }
            _ = Task.Run(() => ServeAsync(socket, options, logger), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket socket, MqttServerOptions options, IMqttNetLogger logger)
    {
        var remote = socket.RemoteEndPoint;
        var stream = new MqttGuardedStream(new NetworkStream(socket, ownsSocket: true), new MqttPacketSizeGuard(_maxPacketSize));
        try
        {
            socket.NoDelay = true;
            if (ClientHandler is not { } handler) return;
            var channel = new MqttTcpChannel(stream, socket.LocalEndPoint, remote, null);
            var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
            using var adapter = new MqttChannelAdapter(channel, formatter, logger);
            await handler(adapter).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            _log.LogDebug("Built-in MQTT broker: connection from {Client} ended: {Error}", remote, e.Message);
        }
        finally
        {
            if (stream.Refused)
                _log.LogWarning("Built-in MQTT broker: disconnected {Client}: it sent a packet larger than {Max} bytes", remote, _maxPacketSize);
            await stream.DisposeAsync().ConfigureAwait(false);
            if (Interlocked.Decrement(ref _connections) < _maxConnections) Volatile.Write(ref _refusedReported, 0);
        }
    }

    public Task StopAsync()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _stop.Cancel();
            _listener?.Stop();
        }
        return Task.CompletedTask;
    }

    /// <summary>Idempotent: MQTTnet disposes its adapters with the server, and the broker disposes this one too.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stop.Cancel();
        _listener?.Dispose();
        _stop.Dispose();
    }
}
