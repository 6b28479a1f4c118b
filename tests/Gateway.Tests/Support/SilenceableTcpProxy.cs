using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Support;

/// <summary>
/// A loopback TCP relay to a target port that can go silent: after <see cref="Silence"/> it keeps every connection
/// open but drops what either side sends, like a peer that froze or a network that swallows packets (half-open).
/// </summary>
public sealed class SilenceableTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile bool _silent;

    private SilenceableTcpProxy(int target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public static SilenceableTcpProxy Start(int targetPort) => new(targetPort);

    /// <summary>From now on nothing is relayed in either direction; the connections stay open.</summary>
    public void Silence() => _silent = true;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var upstream = new TcpClient();
                lock (_open) { _open.Add(client); _open.Add(upstream); }
                try { await upstream.ConnectAsync(IPAddress.Loopback, _target, _stop.Token); }
                catch (SocketException) { client.Dispose(); continue; }
                _ = RelayAsync(client, upstream);
                _ = RelayAsync(upstream, client);
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task RelayAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await from.GetStream().ReadAsync(buffer, _stop.Token);
                if (n == 0) break;
                if (!_silent) await to.GetStream().WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
        from.Dispose();
        to.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_open) foreach (var c in _open) c.Dispose();
        _stop.Dispose();
    }
}
