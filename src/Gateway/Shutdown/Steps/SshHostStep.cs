using System.Net.Sockets;
using Gateway.Configuration;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Gateway.Shutdown.Steps;

/// <summary>
/// Shuts a remote host down over SSH: key authentication only, and the host key must match <c>known_hosts</c> —
/// an unknown or changed key refuses the connection and says so. In a dry run it connects, verifies the host key
/// and authenticates, but does not run the command.
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

    private async Task<StepReport> RunCommandAsync(ShutdownStepContext ctx, CancellationToken ct)
    {
        // Checked here because exception texts are stripped in the trimmed build (UseSystemResourceKeys).
        if (!File.Exists(options.KnownHosts))
            return StepReport.Failed($"known_hosts {options.KnownHosts} does not exist; refusing to connect to {Target} without a verified host key (create it with: ssh-keyscan{(options.Port == 22 ? "" : $" -p {options.Port}")} {options.Host} >> {options.KnownHosts})");
        if (!File.Exists(options.KeyFile))
            return StepReport.Failed($"cannot load key_file {options.KeyFile}: it does not exist (create one with: ssh-keygen -t ed25519 -N '' -f {options.KeyFile})");

        KnownHosts known;
        try { known = KnownHosts.Load(options.KnownHosts); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return StepReport.Failed($"cannot read known_hosts {options.KnownHosts}: {e.Message}; refusing to connect to {Target} without a verified host key");
        }

        PrivateKeyFile key;
        try { key = new PrivateKeyFile(options.KeyFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SshException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return StepReport.Failed($"cannot load key_file {options.KeyFile}: {e.Message} (an unencrypted OpenSSH key is needed, e.g. ssh-keygen -t ed25519 -N '')");
        }

        using (key)
        {
            var info = new Renci.SshNet.ConnectionInfo(options.Host, options.Port, options.User, new PrivateKeyAuthenticationMethod(options.User, key))
            {
                Timeout = options.Timeout,
                RetryAttempts = 1,
            };
            OfferOnlyKnownHostKeyTypes(info, known.KeyTypesFor(options.Host, options.Port));

            using var client = new SshClient(info);
            HostKeyVerdict? verdict = null;
            client.HostKeyReceived += (_, e) =>
            {
                verdict = known.Verify(options.Host, options.Port, e.HostKeyName, e.HostKey);
                e.CanTrust = verdict.Trusted;
            };

            using var timeout = new CancellationTokenSource(options.Timeout, ctx.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, ct);
            var commandSent = false;
            try
            {
                await client.ConnectAsync(linked.Token).ConfigureAwait(false);
                var verified = $"host key {verdict?.Fingerprint} verified";
                if (ctx.DryRun)
                    return StepReport.DryRun($"would run on {Target}: {options.Command}{(options.VerifyDown > TimeSpan.Zero ? $", then wait up to {Duration.Format(options.VerifyDown)} for port {options.Port} to stop answering" : "")} ({verified}, key accepted; command not run)");

                using var command = client.CreateCommand(options.Command);
                commandSent = true;
                await command.ExecuteAsync(linked.Token).ConfigureAwait(false);
                var output = (command.Result + command.Error).Trim().ReplaceLineEndings(" | ");
                if (output.Length > 300) output = output[..300] + "…";
                var detail = $"{Target}: {options.Command}: exit {command.ExitStatus?.ToString() ?? "?"}{(output.Length > 0 ? ": " + output : "")} ({verified})";
                return command.ExitStatus == 0 ? StepReport.Ok(detail) : StepReport.Failed(detail);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return StepReport.TimedOut($"{Target}: no {(commandSent ? "end of the command" : "connection")} within {Duration.Format(options.Timeout)}");
            }
            catch (SshOperationTimeoutException)
            {
                return StepReport.TimedOut($"{Target}: no {(commandSent ? "end of the command" : "answer from the SSH server")} within {Duration.Format(options.Timeout)}");
            }
            catch (Exception e) when (verdict is { Trusted: false })
            {
                return StepReport.Failed($"{Target}: {verdict.Problem} ({e.GetType().Name})");
            }
            catch (SshAuthenticationException e)
            {
                return StepReport.Failed($"{Target}: the server did not accept key {options.KeyFile} for user {options.User}: {e.Message}");
            }
            catch (SshConnectionException e) when (commandSent)
            {
                // A host that powers off often drops the connection before the exit status arrives.
                return StepReport.Ok($"{Target}: {options.Command}: connection closed by the host after the command was sent ({e.Message})");
            }
            catch (Exception e) when (e is SshException or SocketException or IOException or InvalidOperationException or ProxyException)
            {
                return StepReport.Failed($"{Target}: {e.Message}");
            }
        }
    }

    /// <summary>Offers only the host-key algorithms known_hosts lists for the host, so a host with several keys shows the known one.</summary>
    internal static void OfferOnlyKnownHostKeyTypes(Renci.SshNet.ConnectionInfo info, IReadOnlySet<string> knownTypes)
    {
        if (knownTypes.Count == 0) return;
        var keep = info.HostKeyAlgorithms.Keys.Where(a => knownTypes.Contains(a) || (a.StartsWith("rsa-sha2-", StringComparison.Ordinal) && knownTypes.Contains("ssh-rsa"))).ToHashSet();
        if (keep.Count == 0) return;
        foreach (var a in info.HostKeyAlgorithms.Keys.ToList())
            if (!keep.Contains(a)) info.HostKeyAlgorithms.Remove(a);
    }
}
