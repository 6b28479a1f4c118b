using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Gateway.Drivers.Nut;

/// <summary>
/// An async client of one NUT server (upsd) over one TCP connection. Every call sends one request and reads
/// its reply within the timeout; a server <c>ERR</c> becomes a typed <see cref="NutException"/>. After a
/// <see cref="NutErrorKind.Connection"/> or <see cref="NutErrorKind.Protocol"/> failure the connection is
/// broken: dispose it and connect again. Not thread-safe: one request at a time.
/// </summary>
public sealed class NutClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly NutLineReader _reader;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly List<string> _words = new(8);
    private bool _broken;

    private NutClient(TcpClient tcp, TimeSpan timeout, TimeProvider time)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new NutLineReader(_stream, 4096);
        _timeout = timeout;
        _time = time;
    }

    public string Endpoint { get; private init; } = "";

    public static async Task<NutClient> ConnectAsync(string host, int port, TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        using var cts = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cts.Token);
        try
        {
            await tcp.ConnectAsync(host, port, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            tcp.Dispose();
            var why = e switch
            {
                SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused (is upsd running and listening on that address? see LISTEN in upsd.conf)",
                SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => "host name not found",
                SocketException se => se.Message,
                OperationCanceledException => $"no answer within {timeout.TotalSeconds:0.#}s (host down or a firewall drops port {port})",
                _ => e.Message,
            };
            throw new NutException(NutErrorKind.Connection, $"cannot connect to {host}:{port}: {why}", null, e);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
        return new NutClient(tcp, timeout, time) { Endpoint = $"{host}:{port}" };
    }

    public bool IsBroken => _broken;

    /// <summary><c>VER</c>: the server's version banner.</summary>
    public Task<string> GetVersionAsync(CancellationToken ct) => RequestLineAsync("VER", ct);

    /// <summary><c>USERNAME</c> + <c>PASSWORD</c>. upsd checks them only when a privileged command runs.</summary>
    public async Task AuthenticateAsync(string username, string password, CancellationToken ct)
    {
        await RequestOkAsync($"USERNAME {NutLineCodec.Word(username)}", ct).ConfigureAwait(false);
        await RequestOkAsync($"PASSWORD {NutLineCodec.Word(password)}", ct).ConfigureAwait(false);
    }

    /// <summary><c>LOGIN ups</c>: counts this connection in the server's NUMLOGINS (upsmon does this).</summary>
    public Task LoginAsync(string ups, CancellationToken ct) => RequestOkAsync($"LOGIN {NutLineCodec.Word(ups)}", ct);

    public Task InstantCommandAsync(string ups, string command, CancellationToken ct) =>
        RequestOkAsync($"INSTCMD {NutLineCodec.Word(ups)} {NutLineCodec.Word(command)}", ct);

    public async Task<string> GetVariableAsync(string ups, string variable, CancellationToken ct)
    {
        var request = $"GET VAR {NutLineCodec.Word(ups)} {NutLineCodec.Word(variable)}";
        var words = await RequestWordsAsync(request, ct).ConfigureAwait(false);
        if (words.Count < 4 || words[0] != "VAR" || words[1] != ups || words[2] != variable)
            throw Protocol(request, string.Join(' ', words));
        return words[3];
    }

    public async Task<int> GetLoginCountAsync(string ups, CancellationToken ct)
    {
        var request = $"GET NUMLOGINS {NutLineCodec.Word(ups)}";
        var words = await RequestWordsAsync(request, ct).ConfigureAwait(false);
        if (words.Count < 3 || words[0] != "NUMLOGINS" || words[1] != ups || !int.TryParse(words[2], out var n))
            throw Protocol(request, string.Join(' ', words));
        return n;
    }

    /// <summary><c>LIST UPS</c>: name → description.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> ListUpsAsync(CancellationToken ct)
    {
        var items = await ListAsync("UPS", [], ct).ConfigureAwait(false);
        return items.Where(w => w.Length >= 2 && w[0] == "UPS").Select(w => KeyValuePair.Create(w[1], w.Length > 2 ? w[2] : "")).ToArray();
    }

    /// <summary><c>LIST VAR ups</c>: every variable, in the server's order.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ListVariablesAsync(string ups, CancellationToken ct)
    {
        var items = await ListAsync("VAR", [ups], ct).ConfigureAwait(false);
        var vars = new Dictionary<string, string>(items.Count, StringComparer.Ordinal);
        foreach (var w in items)
        {
            if (w.Length < 4 || w[0] != "VAR" || w[1] != ups) throw Protocol($"LIST VAR {ups}", string.Join(' ', w));
            vars[w[2]] = w[3];
        }
        return vars;
    }

    /// <summary><c>LIST CMD ups</c>: the instant commands the UPS supports.</summary>
    public async Task<IReadOnlyList<string>> ListCommandsAsync(string ups, CancellationToken ct)
    {
        var items = await ListAsync("CMD", [ups], ct).ConfigureAwait(false);
        return items.Where(w => w.Length >= 3 && w[0] == "CMD" && w[1] == ups).Select(w => w[2]).ToArray();
    }

    /// <summary>Sends <c>LIST type args</c> and returns the words of every line between BEGIN and END (checking the echo).</summary>
    public async Task<IReadOnlyList<string[]>> ListAsync(string type, IReadOnlyList<string> args, CancellationToken ct)
    {
        var tail = args.Count == 0 ? type : type + " " + string.Join(' ', args.Select(NutLineCodec.Word));
        var request = "LIST " + tail;
        using var deadline = Deadline(ct);
        try
        {
            await SendAsync(request, deadline.Token).ConfigureAwait(false);
            var first = await ReadWordsAsync(request, deadline.Token).ConfigureAwait(false);
            if (!(first.Count == args.Count + 3 && first[0] == "BEGIN" && first[1] == "LIST" && first[2] == type && first.Skip(3).SequenceEqual(args)))
                throw Protocol(request, string.Join(' ', first));
            var items = new List<string[]>();
            while (true)
            {
                var words = await ReadWordsAsync(request, deadline.Token).ConfigureAwait(false);
                if (words.Count >= 2 && words[0] == "END" && words[1] == "LIST")
                {
                    if (!(words.Count == args.Count + 3 && words[2] == type && words.Skip(3).SequenceEqual(args))) throw Protocol(request, string.Join(' ', words));
                    return items;
                }
                items.Add(words.ToArray());
                if (items.Count > 100_000) throw Protocol(request, "endless list");
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw TimedOut(request);
        }
    }

    public async Task LogoutAsync(CancellationToken ct)
    {
        try { await RequestLineAsync("LOGOUT", ct).ConfigureAwait(false); }
        catch (Exception e) when (e is NutException or OperationCanceledException) { }
    }

    private async Task RequestOkAsync(string request, CancellationToken ct)
    {
        var line = await RequestLineAsync(request, ct).ConfigureAwait(false);
        // Old servers answer a bare OK where new ones add a word (OK PRIMARY-GRANTED, OK TRACKING id).
        if (!line.StartsWith("OK", StringComparison.Ordinal)) throw Protocol(request, line);
    }

    private async Task<List<string>> RequestWordsAsync(string request, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        try
        {
            await SendAsync(request, deadline.Token).ConfigureAwait(false);
            return await ReadWordsAsync(request, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw TimedOut(request);
        }
    }

    /// <summary>Sends a request and returns its one reply line (ERR becomes an exception).</summary>
    public async Task<string> RequestLineAsync(string request, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        try
        {
            await SendAsync(request, deadline.Token).ConfigureAwait(false);
            var line = await ReadLineAsync(deadline.Token).ConfigureAwait(false);
            ThrowIfError(line, request);
            return line;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw TimedOut(request);
        }
    }

    private async Task<List<string>> ReadWordsAsync(string request, CancellationToken ct)
    {
        var line = await ReadLineAsync(ct).ConfigureAwait(false);
        ThrowIfError(line, request);
        if (!NutLineCodec.TryTokenize(line, _words, out var error, strictHash: false))
            throw Protocol(request, $"{line} ({error})");
        return _words;
    }

    private static void ThrowIfError(string line, string request)
    {
        if (!line.StartsWith("ERR", StringComparison.Ordinal)) return;
        var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        throw NutException.FromServer(parts.Length > 1 ? parts[1] : "", request);
    }

    private async Task SendAsync(string request, CancellationToken ct)
    {
        if (_broken) throw new NutException(NutErrorKind.Connection, $"connection to {Endpoint} is closed");
        var bytes = Encoding.ASCII.GetBytes(request + "\n");
        try
        {
            await _stream.WriteAsync(bytes, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _broken = true;
            throw new NutException(NutErrorKind.Connection, $"connection to {Endpoint} lost: {e.Message}", null, e);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken ct)
    {
        NutLineResult r;
        try
        {
            r = await _reader.ReadLineAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _broken = true;
            throw;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _broken = true;
            throw new NutException(NutErrorKind.Connection, $"connection to {Endpoint} lost: {e.Message}", null, e);
        }
        switch (r.Status)
        {
            case NutLineStatus.Line: return r.Line!;
            case NutLineStatus.TooLong:
                _broken = true;
                throw new NutException(NutErrorKind.Protocol, $"{Endpoint} sent an overlong line; is this a NUT server?");
            default:
                _broken = true;
                throw new NutException(NutErrorKind.Connection, $"{Endpoint} closed the connection");
        }
    }

    private RequestDeadline Deadline(CancellationToken ct) => new(_timeout, _time, ct);

    private sealed class RequestDeadline : IDisposable
    {
        private readonly CancellationTokenSource _timer;
        private readonly CancellationTokenSource _linked;

        public RequestDeadline(TimeSpan timeout, TimeProvider time, CancellationToken ct)
        {
            _timer = new CancellationTokenSource(timeout, time);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _timer.Token);
        }

        public CancellationToken Token => _linked.Token;

        public void Dispose()
        {
            _linked.Dispose();
            _timer.Dispose();
        }
    }

    private NutException TimedOut(string request)
    {
        _broken = true;
        return new NutException(NutErrorKind.Connection, $"{Endpoint} did not answer '{request}' within {_timeout.TotalSeconds:0.#}s");
    }

    private NutException Protocol(string request, string reply)
    {
        _broken = true;
        return new NutException(NutErrorKind.Protocol, $"unexpected reply from {Endpoint} to '{request}': {Truncate(reply)}");
    }

    private static string Truncate(string s) => s.Length > 120 ? s[..120] + "…" : s;

    /// <summary>Whether the connection runs over TLS (after <see cref="StartTlsAsync"/>).</summary>
    public bool IsTls => _stream is SslStream;

    /// <summary>
    /// STARTTLS, then the TLS handshake with the server's certificate checked against <paramref name="tls"/>.
    /// Do this before USERNAME/PASSWORD so the password never crosses the network in clear.
    /// </summary>
    public async Task StartTlsAsync(string host, NutTlsSettings tls, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        string reply;
        try
        {
            await SendAsync("STARTTLS", deadline.Token).ConfigureAwait(false);
            reply = await ReadLineAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw TimedOut("STARTTLS");
        }
        if (reply.StartsWith("ERR", StringComparison.Ordinal))
        {
            _broken = true;
            throw new NutException(NutErrorKind.Connection,
                $"{Endpoint} refused STARTTLS ({reply}): configure CERTFILE (or CERTPATH/CERTIDENT) in its upsd.conf, or turn tls off for this device");
        }
        if (reply != "OK STARTTLS") throw Protocol("STARTTLS", reply);
        var validator = new NutCertificateValidator(tls);
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false, validator.Validate);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            _broken = true;
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new NutException(NutErrorKind.Connection, $"TLS with {Endpoint} failed: {validator.Failure ?? e.Message}", null, e);
        }
        _stream = ssl;
        _reader.Switch(ssl);
    }

    public ValueTask DisposeAsync()
    {
        _broken = true;
        _stream.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
