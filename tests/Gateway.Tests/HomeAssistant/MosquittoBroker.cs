using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.HomeAssistant;

/// <summary>A real mosquitto on a free loopback port with a password file, in a temp dir; can be killed and restarted.</summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    public const string User = "gateway";
    public const string Password = "s3cret-pass";

    private readonly string _dir;
    private readonly string _configPath;
    private Process? _process;
    private readonly ConcurrentQueue<string> _log = new();

    private MosquittoBroker(string dir, int port)
    {
        _dir = dir;
        Port = port;
        _configPath = Path.Combine(dir, "mosquitto.conf");
    }

    public int Port { get; }

    /// <summary>Every line mosquitto logged (connects with their keep-alive, timeouts, and with debug on, each packet).</summary>
    public IReadOnlyCollection<string> Log => _log;

    /// <summary>The CA certificate that signed the broker's certificate, when started with TLS.</summary>
    public string? CaFile { get; private set; }

    /// <param name="acl">An acl_file to enforce; <paramref name="users"/> are added to the password file besides <see cref="User"/>.</param>
    /// <param name="debugLog">Log every packet (e.g. "Received PINGREQ from ...") to <see cref="Log"/>.</param>
    /// <param name="extraConfig">More mosquitto.conf lines (e.g. "max_keepalive 1").</param>
    public static async Task<MosquittoBroker> StartAsync(int? port = null, bool start = true, bool tls = false, string? acl = null,
        IReadOnlyDictionary<string, string>? users = null, bool debugLog = false, string extraConfig = "")
    {
        var dir = Directory.CreateTempSubdirectory("mosq-").FullName;
        // mosquitto started as root drops to user "mosquitto" unless told "user root"; keep files readable either way.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var passwd = Path.Combine(dir, "passwd");
        await RunAsync("mosquitto_passwd", ["-b", "-c", passwd, User, Password]);
        foreach (var (user, password) in users ?? new Dictionary<string, string>()) await RunAsync("mosquitto_passwd", ["-b", passwd, user, password]);
        var aclLine = "";
        if (acl is not null)
        {
            var aclPath = Path.Combine(dir, "acl");
            await File.WriteAllTextAsync(aclPath, acl);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(aclPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            aclLine = $"acl_file {aclPath}";
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(passwd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var broker = new MosquittoBroker(dir, port ?? Support.FreePort.Next());
        var isRoot = Environment.UserName == "root";
        var tlsLines = "";
        if (tls)
        {
            // A private CA and a server certificate for 127.0.0.1, made with openssl.
            string P(string f) => Path.Combine(dir, f);
            await RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test-ca", "-keyout", P("ca.key"), "-out", P("ca.pem")]);
            await RunAsync("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", P("server.key"), "-out", P("server.csr")]);
            await File.WriteAllTextAsync(P("san.ext"), "subjectAltName=IP:127.0.0.1\n");
            await RunAsync("openssl", ["x509", "-req", "-in", P("server.csr"), "-CA", P("ca.pem"), "-CAkey", P("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", P("san.ext"), "-out", P("server.pem")]);
            foreach (var f in new[] { "ca.pem", "server.pem", "server.key" })
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(P(f), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            tlsLines = $"cafile {P("ca.pem")}\ncertfile {P("server.pem")}\nkeyfile {P("server.key")}\n";
            broker.CaFile = P("ca.pem");
        }
        await File.WriteAllTextAsync(broker._configPath, $"""
            {(isRoot ? "user root" : "")}
            listener {broker.Port} 127.0.0.1
            {tlsLines}
            allow_anonymous false
            password_file {passwd}
            {aclLine}
            persistence false
            log_dest stderr
            log_type error
            log_type warning
            log_type notice
            log_type information
            {(debugLog ? "log_type debug" : "")}
            {extraConfig}
            """);
        if (start) await broker.StartAsync();
        return broker;
    }


    /// <summary>A free loopback port, never the same one twice in this test run (tests run in parallel).</summary>

    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo("mosquitto", ["-c", _configPath]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start mosquitto");
        // Ready only when this mosquitto says it listens: a TCP connect alone could reach another process on the port.
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is not null) _log.Enqueue(line);
            if (line is not null && line.Contains($"listen socket on port {Port}", StringComparison.Ordinal)) listening.TrySetResult();
        }
        p.OutputDataReceived += (_, e) => OnLine(e.Data);
        p.ErrorDataReceived += (_, e) => OnLine(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (p.HasExited) throw new InvalidOperationException($"mosquitto exited with {p.ExitCode}");
            if (!listening.Task.IsCompleted)
            {
                await Task.Delay(10);
                continue;
            }
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }
        throw new TimeoutException("mosquitto did not listen within 20 s");
    }

    /// <summary>SIGKILL: no goodbye to clients, retained messages gone (no persistence).</summary>
    public async Task KillAsync()
    {
        if (_process is not { } p) return;
        _process = null;
        if (!p.HasExited)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
        p.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static async Task RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {err}");
    }
}
