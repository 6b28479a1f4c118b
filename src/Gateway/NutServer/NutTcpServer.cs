using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Gateway.Configuration;
using Gateway.Drivers.Nut;
using Gateway.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.NutServer;

/// <summary>
/// The listening side of the NUT server: accepts connections on every <c>listen</c> endpoint, reads request
/// lines, hands them to <see cref="NutRequestHandler"/> and writes the replies (batched when a client pipelines).
/// Each connection runs on its own task, so a slow or hostile client only slows itself; overlong lines,
/// garbage and parse errors get an <c>ERR</c>, clients that send no request (empty lines do not count) are dropped
/// after <c>idle_timeout</c>, and connections beyond what <see cref="ConnectionLimiter"/> allows are closed at once.
/// </summary>
public sealed class NutTcpServer : BackgroundService
{
    /// <summary>upsd reads at most 32 words of 512 characters; anything longer than this is not a request.</summary>
    public const int MaxLineLength = 32 * 513 + 64;

    private readonly NutServerOptions _options;
    private readonly NutRequestHandler _handler;
    private readonly NutLoginRegistry _logins;
    private readonly NutServerStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger<NutTcpServer> _log;
    private readonly List<TcpListener> _listeners = [];
    private readonly ConnectionLimiter _limiter;
    private X509Certificate2? _certificate;

    public NutTcpServer(NutServerOptions options, NutRequestHandler handler, NutLoginRegistry logins, NutServerStatus status, TimeProvider time, ILogger<NutTcpServer> log)
    {
        _options = options;
        _handler = handler;
        _logins = logins;
        _status = status;
        _time = time;
        _log = log;
        _limiter = new ConnectionLimiter("NUT server", "nut_server", options.MaxConnections, options.MaxConnectionsPerAddress, log);
    }

    /// <summary>The endpoints actually bound (port 0 in the config becomes the real port).</summary>
    public IReadOnlyList<IPEndPoint> Endpoints => _listeners.Select(l => (IPEndPoint)l.LocalEndpoint).ToArray();

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            _status.Set("disabled", true, null);
            return Task.CompletedTask;
        }
        LoadCertificate();
        var failures = new List<string>();
        foreach (var text in _options.Listen)
        {
            // IPEndPoint's parser also takes port 0 (tests: any free port).
            if (!IPEndPoint.TryParse(text, out var endpoint)) continue;
            var listener = new TcpListener(endpoint);
            try
            {
                listener.Start(512);
                _listeners.Add(listener);
            }
            catch (SocketException e)
            {
                failures.Add($"{text}: {e.Message}");
                _log.LogError("NUT server: cannot listen on {Endpoint}: {Error} (is upsd or another gateway already using the port?)", text, e.Message);
            }
        }
        if (_listeners.Count == 0) _status.Set("failed", false, string.Join("; ", failures));
        else
        {
            var bound = string.Join(", ", Endpoints.Select(e => e.ToString()));
            _status.Set("listening", failures.Count == 0, bound);
            _log.LogInformation("NUT server listening on {Endpoints}{Tls}", bound, _handler.TlsAvailable ? " (STARTTLS available)" : "");
        }
        return base.StartAsync(cancellationToken);
    }

    private void LoadCertificate()
    {
        if (_options.CertFile is null) return;
        try
        {
            _certificate = X509Certificate2.CreateFromPemFile(_options.CertFile, _options.KeyFile ?? _options.CertFile);
            _handler.TlsAvailable = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            _log.LogError("NUT server: cannot load the STARTTLS certificate {File}: {Error}; STARTTLS answers ERR FEATURE-NOT-CONFIGURED", _options.CertFile, e.Message);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_listeners.Select(l => AcceptLoop(l, stoppingToken)));

    private async Task AcceptLoop(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (ct.IsCancellationRequested) return;
                // Out of file descriptors and the like: wait a moment rather than spin.
                _log.LogWarning("NUT server: accept failed: {Error}", e.Message);
                try { await Task.Delay(TimeSpan.FromMilliseconds(200), _time, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                continue;
            }
            var address = AddressOf(socket);
            if (!_limiter.TryAcquire(address))
            {
                _status.CountRefused();
                socket.Dispose();
                continue;
            }
            _status.Connected();
            _ = Task.Run(() => ServeAsync(socket, address, ct), CancellationToken.None);
        }
    }

    private static string AddressOf(Socket socket)
    {
        try
        {
            return ConnectionLimiter.AddressOf(socket.RemoteEndPoint);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return "unknown";
        }
    }

    private async Task ServeAsync(Socket socket, string address, CancellationToken ct)
    {
        var session = new NutSession(address);
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        using var idle = new CancellationTokenSource(_options.IdleTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, idle.Token);
        var token = linked.Token;
        var reader = new NutLineReader(stream, MaxLineLength);
        var words = new List<string>(8);
        var reply = new StringBuilder(256);
        byte[] outBuf = new byte[1024];
        try
        {
            socket.NoDelay = true;
            while (true)
            {
                var r = await reader.ReadLineAsync(token).ConfigureAwait(false);
                if (r.Status == NutLineStatus.End) break;
                var action = NutReplyAction.Continue;
                if (r.Status == NutLineStatus.TooLong)
                    reply.Append("ERR ").Append(NutErrors.InvalidArgument).Append('\n');
                else if (!NutLineCodec.TryTokenize(r.Line, words, out _))
                    reply.Append("ERR ").Append(NutErrors.InvalidArgument).Append('\n');
                else if (words.Count > 0)
                {
                    // Only a request keeps the connection: empty lines, garbage and overlong lines do not reset the idle timer.
                    idle.CancelAfter(_options.IdleTimeout);
                    action = await _handler.HandleAsync(session, words, reply, token).ConfigureAwait(false);
                }

                if (action == NutReplyAction.Continue && reader.HasBufferedLine && reply.Length < 16384) continue;
                outBuf = await FlushAsync(stream, reply, outBuf, token).ConfigureAwait(false);
                if (action == NutReplyAction.Close) break;
                if (action == NutReplyAction.StartTls)
                {
                    var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, token).ConfigureAwait(false);
                    stream = ssl;
                    reader.Switch(ssl);
                    session.IsTls = true;
                }
            }
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            _log.LogDebug("NUT server: {Client} idle for {Timeout}s, disconnected", session.RemoteAddress, _options.IdleTimeout.TotalSeconds);
        }
        catch (OperationCanceledException) { }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            _log.LogDebug("NUT server: connection from {Client} ended: {Error}", session.RemoteAddress, e.Message);
        }
        catch (Exception e)
        {
            _log.LogError(e, "NUT server: unexpected failure serving {Client}; connection closed", session.RemoteAddress);
        }
        finally
        {
            if (session.LoginUps is not null)
            {
                _logins.Remove(session);
                _log.LogInformation("NUT server: {Client} (user '{User}') logged out of {Ups}", session.RemoteAddress, session.Username, session.LoginUps.Name);
            }
            await stream.DisposeAsync().ConfigureAwait(false);
            _limiter.Release(address);
            _status.Disconnected();
        }
    }

    private static async Task<byte[]> FlushAsync(Stream stream, StringBuilder reply, byte[] buffer, CancellationToken ct)
    {
        if (reply.Length == 0) return buffer;
        if (buffer.Length < reply.Length) buffer = new byte[Math.Max(reply.Length, buffer.Length * 2)];
        var n = 0;
        foreach (var chunk in reply.GetChunks())
            foreach (var ch in chunk.Span)
                buffer[n++] = ch < 0x80 ? (byte)ch : (byte)'?';
        reply.Clear();
        await stream.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
        if (stream is not NetworkStream) await stream.FlushAsync(ct).ConfigureAwait(false);
        return buffer;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var l in _listeners) l.Stop();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        _status.Set("stopped", true, null);
    }

    public override void Dispose()
    {
        foreach (var l in _listeners) l.Dispose();
        _certificate?.Dispose();
        base.Dispose();
    }
}
