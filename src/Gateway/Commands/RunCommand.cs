using Gateway.Configuration;
using Gateway.Hosting;
using Microsoft.Extensions.Hosting;

namespace Gateway.Commands;

/// <summary><c>gateway run [--config FILE] [--simulate]</c>: the appliance itself (what systemd runs).</summary>
internal static class RunCommand
{
    public static CliCommand Create()
    {
        var config = ConfigOptions.ConfigFile();
        var simulate = new CliOption("--simulate", "Demo mode: simulated MUST UPS and EM340 meter behind the real drivers; no config needed");
        var set = ConfigOptions.Set();
        var cmd = new CliCommand("run", "Run the gateway") { Options = { config, simulate, set } };
        cmd.Action = (pr, ct) => RunAsync(pr.Value(config), pr.Flag(simulate), pr.Values(set), ct);
        return cmd;
    }

    public static async Task<int> RunAsync(string? file, bool simulate, IReadOnlyList<string> overrides, CancellationToken ct)
    {
        var result = ConfigLoader.Load(file, overrides);
        if (ConfigOptions.Report(result, Console.Error)) return ExitCodes.BadInput;
        if (result.SourcePath is null)
            Console.Error.WriteLine($"No config file found (looked in: {string.Join(", ", result.Searched)}); running with defaults.");
        var run = new RunOptions(simulate) { Overrides = overrides, UnderSystemd = Microsoft.Extensions.Hosting.Systemd.SystemdHelpers.IsSystemdService() };
        using var host = GatewayHost.Build(result.Config!, run);
        var restart = host.Services.GetService(typeof(LiveApply.SelfRestart)) as LiveApply.SelfRestart;
        await host.RunAsync(ct).ConfigureAwait(false);
        // Stopped to apply settings that need a restart: systemd starts the gateway again (RestartForceExitStatus=75).
        return restart is { Restarting: true } ? ExitCodes.RestartRequested : ExitCodes.Ok;
    }
}
