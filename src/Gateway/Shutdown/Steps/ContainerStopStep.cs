using Gateway.Configuration;

namespace Gateway.Shutdown.Steps;

/// <summary>Docker containers: <c>docker stop --time N</c> the listed containers, or every running one.</summary>
public sealed class ContainerStopStep(ContainerStepOptions options, bool viaHelper = false) : IShutdownStep
{
    private static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(20);
    private static readonly string[] ListRunning = ["docker", "ps", "--quiet"];

    public string Name => "containers";
    public string Kind => ShutdownStepKinds.Containers;
    public TimeSpan Budget => options.Timeout + TimeSpan.FromSeconds(60);

    public async Task<StepReport> RunAsync(ShutdownStepContext ctx, CancellationToken ct)
    {
        if (viaHelper) return await ViaHelper(ctx, ct).ConfigureAwait(false);
        IReadOnlyList<string> targets = options.Names;
        if (targets.Count == 0)
        {
            var list = await ctx.Executor.RunAsync(ListRunning, ListTimeout, ct).ConfigureAwait(false);
            if (!list.Succeeded) return StepReport.Failed($"{CommandText.Format(ListRunning)}: {list.Describe()}");
            targets = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (targets.Count == 0) return StepReport.Ok("no running containers");
        }
        var seconds = (int)Math.Ceiling(options.Timeout.TotalSeconds);
        List<string> argv = ["docker", "stop", "--time", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), .. targets];
        if (ctx.DryRun) return StepReport.DryRun(CommandText.Format(argv));
        var r = await ctx.Executor.RunAsync(argv, options.Timeout + TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        return StepReport.FromCommand(argv, r);
    }

    private async Task<StepReport> ViaHelper(ShutdownStepContext ctx, CancellationToken ct)
    {
        IReadOnlyList<string?> names = options.Names.Count == 0 ? [(string?)null] : [.. options.Names];
        var reports = new List<StepReport>();
        foreach (var name in names)
        {
            var request = PrivilegedHelper.ContainerRequest(options.Timeout, name, check: ctx.DryRun);
            var timeout = ctx.DryRun ? ListTimeout : options.Timeout + TimeSpan.FromSeconds(30);
            reports.Add(PrivilegedHelper.Report(await PrivilegedHelper.RunAsync(ctx.Executor, request, timeout, ct).ConfigureAwait(false), ctx.DryRun));
        }
        return StepReport.Combine(reports);
    }
}
