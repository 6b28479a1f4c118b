using Gateway.Configuration;

namespace Gateway.Shutdown.Steps;

/// <summary>This host last: wait <c>final_delay</c> (so notifications and NUT logouts get out), then run <c>local.command</c>.</summary>
public sealed class LocalPoweroffStep(LocalStepOptions options) : IShutdownStep
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private const int SigTermExit = 128 + 15;

    public string Name => "local";
    public string Kind => ShutdownStepKinds.Local;
    public TimeSpan Budget => options.FinalDelay + CommandTimeout + TimeSpan.FromSeconds(5);

    public async Task<StepReport> RunAsync(ShutdownStepContext ctx, CancellationToken ct)
    {
        var argv = CommandText.Split(options.Command);
        if (argv.Count == 0) return StepReport.Failed("shutdown.local.command is empty");
        if (ctx.DryRun) return StepReport.DryRun($"{CommandText.Format(argv)} (after final_delay {Duration.Format(options.FinalDelay)})");
        if (options.FinalDelay > TimeSpan.Zero) await Task.Delay(options.FinalDelay, ctx.Time, ct).ConfigureAwait(false);
        var r = await ctx.Executor.RunAsync(argv, CommandTimeout, ct).ConfigureAwait(false);
        // `systemctl poweroff` waits for its job; the power-off it started stops gateway.service and SIGTERMs its children
        // on the way (seen in packaging/outage-drill.sh). That end is the command working, not failing.
        if (r.ExitCode == SigTermExit)
            return StepReport.Ok($"{CommandText.Format(argv)}: ended by SIGTERM (exit {SigTermExit}) while the machine went down, as the power-off it started stops this service");
        return StepReport.FromCommand(argv, r);
    }
}
