using Gateway.Configuration;
using Gateway.Shutdown.Ssh;

namespace Gateway.Shutdown.Steps;

/// <summary>
/// Shuts a remote host down over SSH with the system's OpenSSH client (<c>ssh</c> from openssh-client): key
/// authentication only, and the host key must match <c>known_hosts</c> — an unknown or changed key refuses the
/// connection and says so. In a dry run it connects, verifies the host key and logs in with the key, but opens no
/// session (<c>ssh -N</c>): nothing runs on the host, not even a command forced by its authorized_keys.
/// </summary>
public sealed class SshHostStep(RemoteHostOptions options) : IShutdownStep
{
    public string Name => $"ssh:{options.Name}";
    public string Kind => ShutdownStepKinds.RemoteHosts;
    public TimeSpan Budget => options.Timeout + options.VerifyDown + TimeSpan.FromSeconds(5);

    private string Target => $"{options.User}@{options.Host}:{options.Port}";

    public async Task<StepReport> RunAsync(ShutdownStepContext ctx, CancellationToken ct)
    {
        var report = await RunCommandAsync(ctx, ct).ConfigureAwait(false);
        return report.Outcome == ShutdownOutcomes.Ok ? await VerifyDownAsync(report, ctx, ct).ConfigureAwait(false) : report;
    }

    /// <summary>Verified shutdown: the step ends when the host's SSH port stops answering, and says how long that took.</summary>
    private async Task<StepReport> VerifyDownAsync(StepReport report, ShutdownStepContext ctx, CancellationToken ct)
    {
        if (options.VerifyDown <= TimeSpan.Zero) return report;
        var took = await HostDownWait.WaitAsync(options.Host, options.Port, options.VerifyDown, ctx.Time, ct).ConfigureAwait(false);
        return took is { } t
            ? StepReport.Ok($"{report.Detail}; down after {t.TotalSeconds:0.0}s (port {options.Port} no longer answers)")
            : StepReport.TimedOut($"{report.Detail}; still answering on port {options.Port} after verify_down {Duration.Format(options.VerifyDown)} (the host may still be shutting down; raise verify_down if it is slow)");
    }

    private string KeyscanAdvice => $"ssh-keyscan{(options.Port == 22 ? "" : $" -p {options.Port}")} {options.Host} >> {options.KnownHosts}";

    private async Task<StepReport> RunCommandAsync(ShutdownStepContext ctx, CancellationToken ct)
    {
        if (!File.Exists(options.KnownHosts))
            return StepReport.Failed($"known_hosts {options.KnownHosts} does not exist; refusing to connect to {Target} without a verified host key (check the fingerprint on the host, then create it with: {KeyscanAdvice})");
        if (!File.Exists(options.KeyFile))
            return StepReport.Failed($"cannot load key_file {options.KeyFile}: it does not exist (create one with: ssh-keygen -t ed25519 -N '' -f {options.KeyFile})");
        if (SshKeyFileCheck.Problem(options.KeyFile) is { } keyProblem)
            return StepReport.Failed($"{Target}: {keyProblem}");
        if (Unreadable(options.KeyFile) is { } keyUnreadable)
            return StepReport.Failed($"cannot load key_file {options.KeyFile}: {keyUnreadable} (make it readable by user {Environment.UserName}: chown root:{SecretFileCheck.ServiceUser} {options.KeyFile} && chmod 640 {options.KeyFile})");
        if (Unreadable(options.KnownHosts) is { } knownUnreadable)
            return StepReport.Failed($"cannot read known_hosts {options.KnownHosts}: {knownUnreadable}; refusing to connect to {Target} without a verified host key");

        var r = await OpenSshProcess.RunAsync(OpenSshArguments.For(options, ctx.DryRun ? null : options.Command), options.Timeout, ctx.DryRun, ctx.Time, ct).ConfigureAwait(false);
        if (r.NotStarted) return StepReport.Failed($"{Target}: {r.Stderr}");
        var verified = $"host key {Fingerprint(r.HostKey)} verified";
        if (ctx.DryRun && r.Authenticated)
            return StepReport.DryRun($"would run on {Target}: {options.Command}{(options.VerifyDown > TimeSpan.Zero ? $", then wait up to {Duration.Format(options.VerifyDown)} for port {options.Port} to stop answering" : "")} ({verified}, key accepted; command not run)");
        if (r.TimedOut)
            return StepReport.TimedOut($"{Target}: no {(r.CommandSent ? "end of the command" : r.HostKey is null ? "answer from the SSH server" : "login")} within {Duration.Format(options.Timeout)}");
        if (r.RemoteExitStatus || (r.ExitCode is { } code && code != 255))
        {
            var output = (r.Stdout + r.Stderr).Trim().ReplaceLineEndings(" | ");
            if (output.Length > 300) output = output[..300] + "…";
            var detail = $"{Target}: {options.Command}: exit {r.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}{(output.Length > 0 ? ": " + output : "")} ({verified})";
            return r.ExitCode == 0 ? StepReport.Ok(detail) : StepReport.Failed(detail);
        }
        if (r.CommandSent)
            // A host that powers off often drops the connection before the exit status arrives.
            return StepReport.Ok($"{Target}: {options.Command}: connection closed by the host after the command was sent ({LastLine(r.Stderr) ?? "no exit status"}; {verified})");
        return Failure(r);
    }

    /// <summary>ssh exited 255 before the command was sent: what it says, as a sentence with the fix.</summary>
    private StepReport Failure(OpenSshResult r)
    {
        var e = r.Stderr;
        var name = Shutdown.KnownHosts.LookupName(options.Host, options.Port);
        var offered = r.HostKey is null ? "" : $" (it offered {r.HostKey})";
        if (Has(e, "REVOKED HOST KEY") || Has(e, "marked as revoked"))
            return StepReport.Failed($"{Target}: the host key of {name}{offered} is marked @revoked in {options.KnownHosts}; refusing to connect. Do not use this host until its keys are replaced");
        if (Has(e, "REMOTE HOST IDENTIFICATION HAS CHANGED") || Has(e, "has changed and you have requested strict checking"))
        {
            var line = Between(e, "Offending ", "\n") is { } o && o.LastIndexOf(':') is var i and > 0 ? o[(i + 1)..].Trim() : null;
            return StepReport.Failed($"{Target}: HOST KEY CHANGED for {name}: it offered {r.HostKey ?? "another key"}, which does not match {options.KnownHosts}{(line is null ? "" : $" line {line}")}. Someone may be impersonating the host; refusing to connect. " +
                                     $"If the host was reinstalled, check the new fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then replace its line: ssh-keygen -f {options.KnownHosts} -R '{name}' && {KeyscanAdvice}");
        }
        if (Has(e, "Host key verification failed") || Has(e, "host key is known for"))
            return StepReport.Failed($"{Target}: host {name} is not in {options.KnownHosts}{offered}; refusing to connect. Check the fingerprint on the host, then add it: {KeyscanAdvice}");
        if (Has(e, "UNPROTECTED PRIVATE KEY FILE") || Has(e, "bad permissions"))
            return StepReport.Failed($"{Target}: OpenSSH refuses key_file {options.KeyFile} because group or others may read it; fix: chmod 600 {options.KeyFile} (owner {Environment.UserName}), or chown root:{SecretFileCheck.ServiceUser} {options.KeyFile} && chmod 640 {options.KeyFile}");
        if (Between(e, "Load key \"", "\n") is { } load)
            return StepReport.Failed($"{Target}: cannot load key_file {options.KeyFile}: {load.Split(": ", 2).ElementAtOrDefault(1)?.Trim() ?? load} (an unencrypted OpenSSH private key is needed, e.g. ssh-keygen -t ed25519 -N '' -f {options.KeyFile})");
        if (Has(e, "Permission denied"))
            return StepReport.Failed($"{Target}: the server did not accept key {options.KeyFile} for user {options.User} ({LastLine(e)}); put {options.KeyFile}.pub into ~{options.User}/.ssh/authorized_keys on the host");
        if (Has(e, "Connection refused"))
            return StepReport.Failed($"{Target}: connection refused: nothing accepts SSH connections on port {options.Port}; check the port and that the SSH server runs on the host");
        if (Has(e, "Could not resolve hostname"))
            return StepReport.Failed($"{Target}: cannot resolve host name {options.Host}; check its spelling or use its IP address");
        if (Has(e, "timed out"))
            return StepReport.TimedOut($"{Target}: no {(r.HostKey is null ? "answer from the SSH server" : "login")} within {Duration.Format(options.Timeout)} ({LastLine(e)})");
        if (Has(e, "No route to host") || Has(e, "Network is unreachable"))
            return StepReport.Failed($"{Target}: cannot reach {options.Host} ({LastLine(e)}); check the address and the network");
        return StepReport.Failed($"{Target}: ssh failed (exit {r.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}): {LastLine(e) ?? "no message"}");
    }

    private static string Fingerprint(string? hostKey) => hostKey?.Split(' ').LastOrDefault() ?? "?";

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.Ordinal);

    private static string? Between(string text, string start, string end)
    {
        var i = text.IndexOf(start, StringComparison.Ordinal);
        if (i < 0) return null;
        var j = text.IndexOf(end, i + start.Length, StringComparison.Ordinal);
        return (j < 0 ? text[(i + start.Length)..] : text[(i + start.Length)..j]).Trim();
    }

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() is { Length: > 0 } l ? l.TrimEnd('.') : null;

    private static string? Unreadable(string path)
    {
        try
        {
            using var f = File.OpenRead(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"user {Environment.UserName} may not read it ({e.GetType().Name})";
        }
    }
}
