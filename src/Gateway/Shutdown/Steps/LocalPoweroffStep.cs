using Gateway.Configuration;

namespace Gateway.Shutdown.Steps;

/// <summary>This host last: wait <c>final_delay</c> (so notifications and NUT logouts get out), then run <c>local.command</c>.</summary>
public sealed class LocalPoweroffStep(LocalStepOptions options) : IShutdownStep
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

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
        return StepReport.FromCommand(argv, r);
    }
}
