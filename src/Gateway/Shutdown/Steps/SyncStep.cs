namespace Gateway.Shutdown.Steps;

/// <summary><c>sync</c>: flush file-system buffers (bounded: sync can block on a dead network mount).</summary>
public sealed class SyncStep : IShutdownStep
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string[] Argv = ["sync"];

    public string Name => "sync";
    public string Kind => ShutdownStepKinds.Sync;
    public TimeSpan Budget => Timeout + TimeSpan.FromSeconds(5);

    public async Task<StepReport> RunAsync(ShutdownStepContext ctx, CancellationToken ct)
    {
        if (ctx.DryRun) return StepReport.DryRun(CommandText.Format(Argv));
        var r = await ctx.Executor.RunAsync(Argv, Timeout, ct).ConfigureAwait(false);
        return StepReport.FromCommand(Argv, r);
    }
}
