using Gateway.Configuration;
using Gateway.Hosting;
using Gateway.Shutdown;
using Microsoft.Extensions.Logging;

namespace Gateway.Commands;

/// <summary>
/// <c>gateway shutdown --dry-run [--config F]</c> rehearses the configured sequence once by hand (every step says
/// exactly what it would do; SSH hosts are connected and their keys verified, nothing is run).
/// <c>gateway shutdown --reset</c> clears a finished or dry-run sequence kept in data_dir.
/// </summary>
internal static class ShutdownCommand
{
    public static CliCommand Create()
    {
        var config = ConfigOptions.ConfigFile();
        var set = ConfigOptions.Set();
        var dryRun = new CliOption("--dry-run", "Rehearse the shutdown sequence: log every step's exact command, run nothing");
        var reset = new CliOption("--reset", "Clear the record of a finished or dry-run shutdown sequence");
        var force = new CliOption("--force", "With --reset: also clear a real sequence that has not finished");
        var cmd = new CliCommand("shutdown", "Rehearse the shutdown sequence (--dry-run) or clear its record (--reset)") { Options = { config, set, dryRun, reset, force } };
        cmd.Action = async (pr, ct) =>
        {
            var result = ConfigLoader.Load(pr.Value(config), pr.Values(set));
            if (ConfigOptions.Report(result, Console.Error)) return ExitCodes.BadInput;
            var c = result.Config!;
            if (pr.Flag(dryRun) == pr.Flag(reset))
            {
                Console.Error.WriteLine("Say what to do: 'gateway shutdown --dry-run' to rehearse, or 'gateway shutdown --reset' to clear a finished sequence. " +
                                        "A real shutdown is started only by the policy of a running gateway.");
                return ExitCodes.BadInput;
            }
            if (pr.Flag(reset)) return await ResetAsync(c, pr.Flag(force), Console.Out, Console.Error, ct).ConfigureAwait(false);
            var viaHelper = PrivilegedHelper.UseForService(c.Shutdown.Privileges, File.Exists(PrivilegedHelper.ActionPath));
            if (viaHelper && ServiceUserRehearsal.ShouldSwitch())
                return await ServiceUserRehearsal.RunAsync(pr.Value(config) ?? c.SourcePath, Console.Error, ct).ConfigureAwait(false);
            // The console logger writes in the background: dispose it (flush) before printing the summary.
            ShutdownRunSummary? summary;
            var readiness = ShutdownReadiness.Check(c.Shutdown, viaHelper);
            var secondaries = await NutSecondariesAsync(c, ct).ConfigureAwait(false);
            using (var logs = LoggerFactory.Create(b => LoggingSetup.Configure(b, c.Logging)))
                summary = await RehearseAsync(c, new ProcessCommandExecutor(TimeProvider.System), logs, ct, viaHelper).ConfigureAwait(false);
            PrintReadiness(readiness, secondaries, Console.Out);
            var code = Print(c, summary, Console.Out);
            return readiness.Any(l => !l.Ok) && code == ExitCodes.Ok ? ExitCodes.Failure : code;
        };
        return cmd;
    }

    /// <summary>Runs every step in its dry-run form and prints a summary. Exit 1 when a step failed (e.g. an SSH host key is refused).</summary>
    public static async Task<int> DryRunAsync(GatewayConfig config, ICommandExecutor executor, ILoggerFactory logs, TextWriter stdout, CancellationToken ct) =>
        Print(config, await RehearseAsync(config, executor, logs, ct).ConfigureAwait(false), stdout);

    /// <summary>The rehearsal, or null when no step is enabled.</summary>
    /// <param name="viaHelper">Rehearse the root helper's path (its "check" verb) rather than direct commands; null = this process's setting.</param>
    public static async Task<ShutdownRunSummary?> RehearseAsync(GatewayConfig config, ICommandExecutor executor, ILoggerFactory logs, CancellationToken ct, bool? viaHelper = null)
    {
        var sequence = new ShutdownSequence(
            ShutdownSequence.BuildSteps(config.Shutdown, fsd: null, config.ProtectedUps?.Id, viaHelper),
            config.Shutdown.PointOfNoReturn, executor, TimeProvider.System, logs.CreateLogger("Gateway.Shutdown"));
        if (sequence.Steps.Count == 0) return null;
        return await new ShutdownRehearsal(sequence).RehearseAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The secondaries the nut_fsd step would wait for: asked of the running gateway's NUT server (LIST CLIENT), since
    /// the rehearsal runs in another process. Null when there is nothing to ask.
    /// </summary>
    public static async Task<string?> NutSecondariesAsync(GatewayConfig config, CancellationToken ct)
    {
        if (!config.Shutdown.NutFsd.Enabled) return null;
        if (!config.NutServer.Enabled || config.ProtectedUps is null)
            return "nut_fsd: skipped (no NUT server or no protected UPS in this configuration)";
        var ups = Gateway.NutServer.NutUpsCatalog.NutNameOf(config.ProtectedUps);
        var listen = config.NutServer.Listen.FirstOrDefault() ?? "127.0.0.1:3493";
        var colon = listen.LastIndexOf(':');
        var host = colon > 0 ? listen[..colon].Trim('[', ']') : listen;
        if (host is "0.0.0.0" or "" or "*") host = "127.0.0.1";
        if (host == "::") host = "::1";
        var port = colon > 0 && int.TryParse(listen[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : 3493;
        var wait = Duration.Format(config.Shutdown.NutFsd.Hostsync);
        try
        {
            await using var client = await Gateway.Drivers.Nut.NutClient.ConnectAsync(host, port, TimeSpan.FromSeconds(3), TimeProvider.System, ct).ConfigureAwait(false);
            var clients = await client.ListAsync("CLIENT", [ups], ct).ConfigureAwait(false);
            var addresses = clients.Where(w => w.Length >= 3).Select(w => w[2]).ToList();
            return addresses.Count == 0
                ? $"nut_fsd: no secondary is logged in to UPS '{ups}' on {host}:{port} now; FSD would be set and nobody waited for"
                : $"nut_fsd: would set FSD on UPS '{ups}' and wait up to {wait} for {addresses.Count} secondar{(addresses.Count == 1 ? "y" : "ies")} logged in now: {string.Join(", ", addresses)}";
        }
        catch (Exception e) when (e is Gateway.Drivers.Nut.NutException or System.Net.Sockets.SocketException or IOException or OperationCanceledException)
        {
            return $"nut_fsd: cannot ask the running gateway's NUT server at {host}:{port} which secondaries are logged in ({e.Message}); is gateway.service running?";
        }
    }

    public static void PrintReadiness(IReadOnlyList<ShutdownReadiness.Line> lines, string? secondaries, TextWriter stdout)
    {
        stdout.WriteLine();
        stdout.WriteLine($"Shutdown readiness (as user {Environment.UserName}):");
        foreach (var l in lines) stdout.WriteLine($"  {(l.Ok ? "ok  " : "FAIL")} {l.Text}");
        if (secondaries is not null) stdout.WriteLine($"  info {secondaries}");
    }

    public static int Print(GatewayConfig config, ShutdownRunSummary? summary, TextWriter stdout)
    {
        if (summary is null)
        {
            stdout.WriteLine("No shutdown steps are enabled (see the shutdown: section).");
            return ExitCodes.Ok;
        }
        stdout.WriteLine();
        stdout.WriteLine($"Shutdown rehearsal: {summary.Steps.Count} step(s) in {(summary.FinishedAt - summary.StartedAt).TotalSeconds:0.0}s (point of no return: {config.Shutdown.PointOfNoReturn})");
        foreach (var s in summary.Steps)
            stdout.WriteLine($"  {s.Step,-24} {s.Outcome,-8} {s.Detail}");
        var bad = summary.Steps.Count(s => s.Outcome is ShutdownOutcomes.Failed or ShutdownOutcomes.Timeout);
        if (bad > 0) stdout.WriteLine($"{bad} step(s) would fail; fix them before relying on the sequence.");
        return bad == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    public static async Task<int> ResetAsync(GatewayConfig config, bool force, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var store = new ShutdownStateStore(config.Gateway.DataDir);
        var progress = await store.LoadAsync(ct).ConfigureAwait(false);
        if (progress is { InProgress: true, DryRun: false } && !force)
        {
            stderr.WriteLine($"A real shutdown ({progress.Trigger}: {progress.Reason}) started at {progress.StartedAt:u} has not finished " +
                             $"({progress.Completed.Count} step(s) done); a restarted gateway would resume it. Clear it anyway with: gateway shutdown --reset --force");
            return ExitCodes.BadInput;
        }
        try
        {
            if (!store.Clear())
            {
                stdout.WriteLine($"Nothing to clear: no shutdown record in {store.FilePath}");
                return ExitCodes.Ok;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"Cannot delete {store.FilePath}: {e.Message}");
            return ExitCodes.Failure;
        }
        var what = progress is null ? "an unreadable shutdown record" :
            $"the {(progress.DryRun ? "dry-run " : "")}shutdown record ({progress.Trigger}, started {progress.StartedAt:u}, {(progress.Finished ? "finished" : progress.Cancelled ? "cancelled" : "unfinished")})";
        stdout.WriteLine($"Cleared {what} from {store.FilePath}. A running gateway keeps its in-memory state until it restarts.");
        return ExitCodes.Ok;
    }
}
