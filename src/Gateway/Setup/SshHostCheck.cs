using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Gateway.Configuration;
using Gateway.Shutdown;
using Gateway.Shutdown.Steps;
using Microsoft.Extensions.Logging;

namespace Gateway.Setup;

/// <summary>
/// The SSH host tests. <see cref="ScanAsync"/> connects, shows the host key the server offers (type and SHA256
/// fingerprint) and how it compares with known_hosts, and trusts nothing. <see cref="AcceptAsync"/> is the user's
/// confirmation: it connects again and appends the key to known_hosts only when the server still offers exactly the
/// fingerprint the user saw and known_hosts has no other key for the host (a changed key is refused, never
/// overwritten). <see cref="LoginAsync"/> is the shutdown step's own dry run: verified host key, key login, no command.
/// </summary>
public sealed class SshHostCheck(TimeProvider time, ILogger<SshHostCheck> log)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly SemaphoreSlim AppendLock = new(1, 1);

    /// <summary>The host to test: a configured remote host by name, or one from the request's fields. Null with <paramref name="error"/> when neither.</summary>
    public static RemoteHostOptions? Resolve(SshTestRequest r, GatewayConfig config, out string? error)
    {
        error = null;
        var configured = r.Name is null ? null : config.Shutdown.RemoteHosts.FirstOrDefault(h => h.Name == r.Name);
        if (configured is null && string.IsNullOrWhiteSpace(r.Host))
        {
            var names = config.Shutdown.RemoteHosts.Select(h => h.Name).ToArray();
            error = r.Name is null
                ? "give 'name' (a configured remote host) or 'host' (with 'user', 'key_file' and 'known_hosts')"
                : $"no remote host named '{r.Name}' is configured ({(names.Length == 0 ? "none are" : "configured: " + string.Join(", ", names))}); give its 'host' to test one not saved yet";
            return null;
        }
        var known = string.IsNullOrWhiteSpace(r.KnownHosts) ? configured?.KnownHosts ?? DefaultKnownHosts : r.KnownHosts.Trim();
        if (!Path.IsPathFullyQualified(known))
        {
            error = $"'known_hosts' must be an absolute path, got '{known}'";
            return null;
        }
        if (r.Port is { } p && p is < 1 or > 65535)
        {
            error = $"'port' must be from 1 to 65535, got {p}";
            return null;
        }
        var baseline = configured ?? new RemoteHostOptions(r.Name ?? r.Host!, r.Host!, 22, "", "", known, "", Timeout);
        return baseline with
        {
            Host = string.IsNullOrWhiteSpace(r.Host) ? baseline.Host : r.Host.Trim(),
            Port = r.Port ?? baseline.Port,
            User = string.IsNullOrWhiteSpace(r.User) ? baseline.User : r.User.Trim(),
            KeyFile = string.IsNullOrWhiteSpace(r.KeyFile) ? baseline.KeyFile : r.KeyFile.Trim(),
            KnownHosts = known,
            Timeout = baseline.Timeout < Timeout ? baseline.Timeout : Timeout,
        };
    }

    /// <summary>
    /// Whether Accept may append to <paramref name="knownHosts"/>: the default file, a configured host's, or a file
    /// named <c>known_hosts</c>; never any other file a request names.
    /// </summary>
    public static string? WriteProblem(string knownHosts, GatewayConfig config) =>
        knownHosts == DefaultKnownHosts || Path.GetFileName(knownHosts) == "known_hosts" || config.Shutdown.RemoteHosts.Any(h => h.KnownHosts == knownHosts)
            ? null
            : $"'{knownHosts}' is not a known_hosts file the gateway writes: use {DefaultKnownHosts}, a file named known_hosts, or the known_hosts of a configured remote host";

    public const string DefaultKnownHosts = "/etc/gateway/known_hosts";

    public async Task<ToolResult> ScanAsync(RemoteHostOptions host, CancellationToken ct)
    {
        var (offered, failure) = await FetchHostKeyAsync(host, ct).ConfigureAwait(false);
        if (offered is not { } key) return failure!;
        var view = Judge(host, key.Type, key.Blob, out var verdict);
        var target = KnownHosts.LookupName(host.Host, host.Port);
        return view.State switch
        {
            "trusted" => new ToolResult(true, "trusted", $"{target} offered its {key.Type} key {view.Fingerprint}, which {host.KnownHosts} already lists.", null, null, null, view),
            "unknown" => new ToolResult(false, "unknown_host_key",
                $"{target} offered a {key.Type} key with fingerprint {view.Fingerprint}, which {host.KnownHosts} does not list yet. Nothing is trusted until you accept it.",
                $"Compare the fingerprint with the host's own (on the host: ssh-keygen -lf /etc/ssh/ssh_host_{ShortType(key.Type)}_key.pub); if it matches, press Accept.", null, null, view),
            _ => new ToolResult(false, view.State == "revoked" ? "revoked_host_key" : "host_key_changed", verdict.Problem!,
                view.State == "revoked" ? "This key was revoked on purpose; do not use this host until its keys are replaced." :
                    $"If the host was reinstalled, check the new fingerprint on the host, then remove its old line from {host.KnownHosts} and scan again; otherwise someone may be impersonating it.", null, null, view),
        };
    }

    public async Task<ToolResult> AcceptAsync(RemoteHostOptions host, string? confirmed, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(confirmed))
            return new ToolResult(false, "no_fingerprint", "No fingerprint was confirmed.", "Scan the host first, compare the fingerprint, then press Accept.");
        var (offered, failure) = await FetchHostKeyAsync(host, ct).ConfigureAwait(false);
        if (offered is not { } key) return failure!;
        var view = Judge(host, key.Type, key.Blob, out var verdict);
        var target = KnownHosts.LookupName(host.Host, host.Port);
        if (!string.Equals(view.Fingerprint, confirmed.Trim(), StringComparison.Ordinal))
            return new ToolResult(false, "fingerprint_mismatch",
                $"{target} now offers {key.Type} {view.Fingerprint}, not the {confirmed.Trim()} you confirmed; nothing was written.",
                "Scan again and compare the new fingerprint with the host's own before accepting.", null, null, view);
        if (view.State is "changed" or "revoked")
            return new ToolResult(false, view.State == "revoked" ? "revoked_host_key" : "host_key_changed", verdict.Problem! + " Nothing was written.",
                $"A changed key is never accepted from here: if the host was reinstalled, remove its old line from {host.KnownHosts} by hand, then scan and accept again.", null, null, view);
        var steps = new List<ToolStep>();
        if (view.State == "unknown")
        {
            var written = await AppendAsync(host, key.Type, key.Blob, ct).ConfigureAwait(false);
            if (written is not null)
                return new ToolResult(false, "write_failed", $"Cannot write {host.KnownHosts}: {written}.",
                    $"Check that the folder of {host.KnownHosts} exists and that the gateway's user may write the file.", null, null, view);
            log.LogInformation("Host key of {Target} ({Type} {Fingerprint}) added to {KnownHosts} after the user's confirmation", target, key.Type, view.Fingerprint, host.KnownHosts);
            steps.Add(new ToolStep(true, $"added {key.Type} {view.Fingerprint} for {target} to {host.KnownHosts}"));
            view = view with { State = "trusted" };
        }
        else
        {
            steps.Add(new ToolStep(true, $"{host.KnownHosts} already lists this key"));
        }
        var login = await LoginAsync(host, ct).ConfigureAwait(false);
        steps.AddRange(login.Steps ?? []);
        return new ToolResult(login.Ok, login.Ok ? "ok" : login.Status, $"Host key accepted. {login.Message}", login.Fix, null, steps, view);
    }

    /// <summary>The shutdown step's dry run: connect with the verified host key, log in with the key file, run nothing.</summary>
    public async Task<ToolResult> LoginAsync(RemoteHostOptions host, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(host.User) || string.IsNullOrEmpty(host.KeyFile))
            return new ToolResult(false, "login_not_tested", "The login was not tested: the host has no user or key file yet.",
                "Set the user and the key file (an unencrypted OpenSSH key, e.g. ssh-keygen -t ed25519 -N '' -f /etc/gateway/id_ed25519), then test again.",
                null, [new ToolStep(false, "login not tested (no user or key file)")]);
        var context = new ShutdownStepContext(true, new ProcessCommandExecutor(time), time, log, "setup page SSH test");
        var report = await new SshHostStep(host with { VerifyDown = TimeSpan.Zero }).RunAsync(context, ct).ConfigureAwait(false);
        var target = $"{host.User}@{host.Host}:{host.Port}";
        if (report.Outcome == ShutdownOutcomes.DryRun)
            return new ToolResult(true, "ok", $"Logged in to {target} with {host.KeyFile}; at shutdown the gateway would run: {(host.Command.Length == 0 ? "(no command set yet)" : host.Command)}.",
                null, null, [new ToolStep(true, $"login as {host.User} with {host.KeyFile} accepted (nothing was run)")]);
        return new ToolResult(false, report.Outcome == ShutdownOutcomes.Timeout ? "timeout" : "login_failed", report.Detail.TrimEnd('.') + ".",
            report.Detail.Contains("did not accept key", StringComparison.Ordinal)
                ? $"Put the public key ({host.KeyFile}.pub) into ~{host.User}/.ssh/authorized_keys on the host."
                : null,
            null, [new ToolStep(false, report.Detail)]);
    }

    private SshHostKeyView Judge(RemoteHostOptions host, string type, byte[] blob, out HostKeyVerdict verdict)
    {
        var fingerprint = KnownHosts.Fingerprint(blob);
        if (!File.Exists(host.KnownHosts))
        {
            verdict = new HostKeyVerdict(false, fingerprint, null);
            return new SshHostKeyView(type, fingerprint, host.KnownHosts, "unknown");
        }
        var known = KnownHosts.Load(host.KnownHosts);
        verdict = known.Verify(host.Host, host.Port, type, blob);
        var state = verdict.Trusted ? "trusted"
            : verdict.Problem!.Contains("@revoked", StringComparison.Ordinal) ? "revoked"
            : known.KeyTypesFor(host.Host, host.Port).Count > 0 ? "changed" : "unknown";
        return new SshHostKeyView(type, fingerprint, host.KnownHosts, state);
    }

    private async Task<string?> AppendAsync(RemoteHostOptions host, string type, byte[] blob, CancellationToken ct)
    {
        await AppendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var line = $"{KnownHosts.LookupName(host.Host, host.Port)} {type} {Convert.ToBase64String(blob)}\n";
            var path = host.KnownHosts;
            if (File.Exists(path) && new FileInfo(path).Length > 0)
            {
                using var read = File.OpenRead(path);
                read.Seek(-1, SeekOrigin.End);
                if (read.ReadByte() != '\n') line = "\n" + line;
            }
            var created = !File.Exists(path);
            await File.AppendAllTextAsync(path, line, Encoding.ASCII, ct).ConfigureAwait(false);
            if (created && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
        finally
        {
            AppendLock.Release();
        }
    }

    /// <summary>
    /// Fetches the host keys the server offers with OpenSSH's <c>ssh-keyscan</c> (it stops after the key exchange and
    /// trusts nothing) and picks the one to show: one known_hosts already trusts, else one of a type known_hosts lists
    /// for the host (so a changed key shows as changed), else the strongest (ed25519, ECDSA, RSA).
    /// </summary>
    private async Task<((string Type, byte[] Blob)? Key, ToolResult? Failure)> FetchHostKeyAsync(RemoteHostOptions host, CancellationToken ct)
    {
        var target = KnownHosts.LookupName(host.Host, host.Port);
        if (await ProbeAsync(host, target, ct).ConfigureAwait(false) is { } unreachable) return (null, unreachable);
        KnownHosts? known = null;
        if (File.Exists(host.KnownHosts))
        {
            try { known = KnownHosts.Load(host.KnownHosts); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, new ToolResult(false, "known_hosts_unreadable", $"Cannot read {host.KnownHosts}: {e.Message}.", "Check the file's permissions (the gateway's user must read it)."));
            }
        }
        if (ProcessCommandExecutor.Resolve("ssh-keyscan") is null)
            return (null, new ToolResult(false, "ssh_missing", "ssh-keyscan (the OpenSSH client) is not installed, so the gateway cannot read the host's key.", "Install it: apt install openssh-client."));
        var seconds = ((int)Timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var scan = await new ProcessCommandExecutor(time).RunAsync(
            ["ssh-keyscan", "-T", seconds, "-p", host.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--", host.Host], Timeout + TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
        if (scan.TimedOut)
            return (null, new ToolResult(false, "timeout", $"No SSH answer from {target} within {Timeout.TotalSeconds:0} s.",
                "Check the host name or address and the port (22 unless the host's sshd says otherwise), and that the host is on."));
        var offered = new List<(string Type, byte[] Blob)>();
        foreach (var line in scan.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (line.StartsWith('#') || f.Length < 3) continue;
            try { offered.Add((f[1], Convert.FromBase64String(f[2]))); }
            catch (FormatException) { }
        }
        if (offered.Count == 0)
            return (null, new ToolResult(false, "ssh_failed", $"{target} sent no host key{(scan.StartError is null ? "" : $" ({scan.StartError})")}.", "Check that the port is the host's SSH port."));
        var knownTypes = known?.KeyTypesFor(host.Host, host.Port) ?? new HashSet<string>();
        var ordered = offered.OrderBy(k => k.Type.Contains("ed25519", StringComparison.Ordinal) ? 0 : k.Type.StartsWith("ecdsa", StringComparison.Ordinal) ? 1 : 2).ToList();
        var pick = ordered.FirstOrDefault(k => known?.Verify(host.Host, host.Port, k.Type, k.Blob).Trusted == true);
        if (pick.Blob is null) pick = ordered.FirstOrDefault(k => knownTypes.Contains(k.Type));
        if (pick.Blob is null) pick = ordered[0];
        return ((KeyType(pick.Blob), pick.Blob), null);
    }

    /// <summary>A TCP connection first, so that a wrong port or address is named as such (ssh-keyscan only says it got no key).</summary>
    private async Task<ToolResult?> ProbeAsync(RemoteHostOptions host, string target, CancellationToken ct)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            await client.ConnectAsync(host.Host, host.Port, linked.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ToolResult(false, "timeout", $"No SSH answer from {target} within {Timeout.TotalSeconds:0} s.",
                "Check the host name or address and the port (22 unless the host's sshd says otherwise), and that the host is on.");
        }
        catch (SocketException e)
        {
            var refused = e.SocketErrorCode == SocketError.ConnectionRefused;
            return new ToolResult(false, refused ? "refused" : "unreachable",
                refused ? $"Nothing accepts SSH connections on {target} (connection refused)." : $"Cannot reach {target}: {e.Message}.",
                refused ? "Check the port and that the SSH server runs on the host (e.g. systemctl status ssh; on a Synology NAS: Control Panel → Terminal & SNMP → Enable SSH)."
                    : "Check the host name or address and the network.");
        }
    }

    /// <summary>The key type written in the key blob itself (the first SSH string), e.g. ssh-ed25519 or ssh-rsa.</summary>
    public static string KeyType(byte[] blob)
    {
        if (blob.Length < 4) return "unknown";
        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        return length > 0 && length <= 64 && blob.Length >= 4 + length ? Encoding.ASCII.GetString(blob, 4, (int)length) : "unknown";
    }

    private static string ShortType(string type) => type switch
    {
        "ssh-ed25519" => "ed25519",
        "ssh-rsa" => "rsa",
        _ when type.StartsWith("ecdsa", StringComparison.Ordinal) => "ecdsa",
        _ => "*",
    };
}
