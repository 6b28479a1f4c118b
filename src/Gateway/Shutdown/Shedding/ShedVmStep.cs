using Gateway.Configuration;

namespace Gateway.Shutdown.Shedding;

/// <summary>Named libvirt guests shed early: <c>virsh shutdown</c> each, wait until they stop running, <c>virsh destroy</c> the rest.</summary>
public sealed class ShedVmStep(IReadOnlyList<string> names, TimeSpan wait, bool viaHelper) : IShutdownStep
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);
    private static readonly string[] ListRunning = ["virsh", "list", "--name", "--state-running"];

    public string Name => "vms:" + string.Join(',', names);
    public string Kind => ShutdownStepKinds.Vms;
    public TimeSpan Budget => wait + TimeSpan.FromSeconds(90);

    public async Task<StepReport> RunAsync(ShutdownStepContext ctx, CancellationToken ct)
    {
        if (viaHelper)
            return StepReport.Failed($"shedding single VMs ({string.Join(", ", names)}) is not possible through the gateway-shutdown@ helper, which stops all VMs; set shutdown.privileges: direct or shed them over SSH");
        if (ctx.DryRun)
            return StepReport.DryRun(string.Join("; ", names.Select(n => CommandText.Format(["virsh", "shutdown", n]))) + $"; wait up to {Duration.Format(wait)}; then virsh destroy any still running");
        var problems = new List<string>();
        foreach (var vm in names)
        {
            string[] cmd = ["virsh", "shutdown", vm];
            var r = await ctx.Executor.RunAsync(cmd, CommandTimeout, ct).ConfigureAwait(false);
            if (!r.Succeeded) problems.Add($"{CommandText.Format(cmd)}: {r.Describe()}");
        }
        var start = ctx.Time.GetTimestamp();
        var still = names.ToList();
        while (still.Count > 0)
        {
            var poll = await ctx.Executor.RunAsync(ListRunning, CommandTimeout, ct).ConfigureAwait(false);
            if (poll.Succeeded)
            {
                var running = poll.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                still = still.Intersect(running, StringComparer.Ordinal).ToList();
            }
            if (still.Count == 0 || ctx.Time.GetElapsedTime(start) >= wait) break;
            await Task.Delay(TimeSpan.FromSeconds(2), ctx.Time, ct).ConfigureAwait(false);
        }
        foreach (var vm in still)
        {
            string[] cmd = ["virsh", "destroy", vm];
            var r = await ctx.Executor.RunAsync(cmd, CommandTimeout, ct).ConfigureAwait(false);
            if (!r.Succeeded) problems.Add($"{CommandText.Format(cmd)}: {r.Describe()}");
        }
        var summary = $"{names.Count - still.Count} of {names.Count} VM(s) shut down{(still.Count > 0 ? $"; destroyed after {Duration.Format(wait)}: {string.Join(", ", still)}" : "")}";
        return problems.Count == 0 ? StepReport.Ok(summary) : StepReport.Failed(summary + "; " + string.Join("; ", problems));
    }
}
