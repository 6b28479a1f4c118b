using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.Shutdown;

/// <summary>
/// A real OpenSSH server (Debian openssh-server) on a free loopback port with its own host key, accepting one
/// client key for the current user and nothing else (no passwords). Stopped and cleaned up at the end.
/// </summary>
public sealed class SshServerFixture : IAsyncLifetime
{
    private Process? _sshd;

    public string Dir { get; } = Directory.CreateTempSubdirectory("gw-sshd-").FullName;
    public int Port { get; private set; }
    public string User { get; } = Environment.UserName;
    public string ClientKey => Path.Combine(Dir, "client_ed25519");
    public string HostKey => Path.Combine(Dir, "host_ed25519");
    public string OtherHostKey => Path.Combine(Dir, "other_ed25519");

    /// <summary>A client key whose authorized_keys line forces a command: any session it opens creates <see cref="ForcedMarker"/>.</summary>
    public string ForcedCommandKey => Path.Combine(Dir, "forced_ed25519");
    public string ForcedMarker => Path.Combine(Dir, "forced-command-ran");
    public string Log => Path.Combine(Dir, "sshd.log");

    public async Task InitializeAsync()
    {
        await KeygenAsync(HostKey);
        await KeygenAsync(OtherHostKey);
        await KeygenAsync(ClientKey);
        await KeygenAsync(ForcedCommandKey);
        File.WriteAllText(Path.Combine(Dir, "authorized_keys"),
            File.ReadAllText(ClientKey + ".pub") + $"command=\"touch {ForcedMarker}\" " + File.ReadAllText(ForcedCommandKey + ".pub"));
        Directory.CreateDirectory("/run/sshd");
        Port = Support.FreePort.Next();
        var config = Path.Combine(Dir, "sshd_config");
        File.WriteAllText(config, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {HostKey}
            PidFile {Path.Combine(Dir, "sshd.pid")}
            AuthorizedKeysFile {Path.Combine(Dir, "authorized_keys")}
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            StrictModes no
            UsePAM no
            AllowUsers {User}
            LogLevel VERBOSE
            """);
        var psi = new ProcessStartInfo("/usr/sbin/sshd", ["-D", "-e", "-f", config, "-E", Log]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        _sshd = Process.Start(psi)!;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_sshd.HasExited) throw new InvalidOperationException($"sshd exited with {_sshd.ExitCode}: {await _sshd.StandardError.ReadToEndAsync()} {(File.Exists(Log) ? await File.ReadAllTextAsync(Log) : "")}");
            if (await BannerAsync()) break;
            if (deadline.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException("sshd did not answer within 20 s");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (_sshd is { HasExited: false })
        {
            _sshd.Kill(entireProcessTree: true);
            await _sshd.WaitForExitAsync();
        }
        _sshd?.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }

    /// <summary>The SHA256 fingerprint of the server's host key, as the tools page shows it.</summary>
    public string HostKeyFingerprint => Gateway.Shutdown.KnownHosts.Fingerprint(Convert.FromBase64String(File.ReadAllText(HostKey + ".pub").Split(' ')[1]));

    /// <summary>A known_hosts line for this server with the given host public key file.</summary>
    public string KnownHostsLine(string hostKey)
    {
        var pub = File.ReadAllText(hostKey + ".pub").Split(' ');
        return $"[127.0.0.1]:{Port} {pub[0]} {pub[1]}";
    }

    /// <summary>A <c>shutdown:</c> section with this server as remote host <c>nas</c> (key login, the given known_hosts).</summary>
    public string RemoteHostYaml(string knownHosts) => $"""
        shutdown:
          remote_hosts:
            - name: nas
              host: 127.0.0.1
              port: {Port}
              user: {User}
              key_file: {ClientKey}
              known_hosts: {knownHosts}
              command: "true"
        """;


    private async Task<bool> BannerAsync()
    {
        try
        {
            using var c = new TcpClient();
            await c.ConnectAsync(IPAddress.Loopback, Port);
            var buf = new byte[64];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var n = await c.GetStream().ReadAsync(buf, cts.Token);
            return n > 4 && System.Text.Encoding.ASCII.GetString(buf, 0, n).StartsWith("SSH-", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task KeygenAsync(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "gateway-test", "-f", path]) { UseShellExecute = false, RedirectStandardOutput = true })!;
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ssh-keygen failed for {path}");
    }
}
