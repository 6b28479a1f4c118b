using Gateway.Configuration;

namespace Gateway.Shutdown.Shedding;

/// <summary>
/// Named libvirt guests shed early, on <c>vms.uri</c>: <c>virsh shutdown</c> each, wait up to <c>vms.wait</c> until
/// they stop running, then (<c>vms.force_off</c>) <c>virsh destroy</c> the rest. Through the root helper each VM is
/// one request (<c>vms uri=… wait=… force-off NAME</c>) and the helper checks that it is off.
/// </summary>
public sealed class ShedVmStep(IReadOnlyList<string> names, VmStepOptions options, bool viaHelper) : IShutdownStep
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    public string Name => "vms:" + string.Join(',', names);
    public string Kind => ShutdownStepKinds.Vms;
    public TimeSpan Budget => names.Count * options.Wait + TimeSpan.FromSeconds(90);

    public async Task<StepReport> RunAsync(ShutdownStepContext ctx, CancellationToken ct)
    {
        if (viaHelper)
        {
            var reports = new List<StepReport>();
            foreach (var vm in names)
            {
                var request = PrivilegedHelper.VmRequest(options, check: ctx.DryRun, vm);
                var timeout = ctx.DryRun ? CommandTimeout : options.Wait + TimeSpan.FromSeconds(60);
                reports.Add(PrivilegedHelper.Report(await PrivilegedHelper.RunAsync(ctx.Executor, request, timeout, ct).ConfigureAwait(false), ctx.DryRun));
            }
            return StepReport.Combine(reports);
        }
        string[] virsh = options.Uri.Length > 0 ? ["virsh", "-c", options.Uri] : ["virsh"];
        if (ctx.DryRun)
            return StepReport.DryRun(string.Join("; ", names.Select(n => CommandText.Format([.. virsh, "shutdown", n]))) + $"; wait up to {Duration.Format(options.Wait)}" +
                                     (options.ForceOff ? "; then virsh destroy any still running" : "; VMs still running then are left running (force_off: false)"));
        var problems = new List<string>();
        foreach (var vm in names)
        {
            string[] cmd = [.. virsh, "shutdown", vm];
            var r = await ctx.Executor.RunAsync(cmd, CommandTimeout, ct).ConfigureAwait(false);
            if (!r.Succeeded) problems.Add($"{CommandText.Format(cmd)}: {r.Describe()}");
        }
        string[] listRunning = [.. virsh, "list", "--name", "--state-running"];
        var start = ctx.Time.GetTimestamp();
        var still = names.ToList();
        while (still.Count > 0)
        {
            var poll = await ctx.Executor.RunAsync(listRunning, CommandTimeout, ct).ConfigureAwait(false);
            if (poll.Succeeded)
            {
                var running = poll.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                still = still.Intersect(running, StringComparer.Ordinal).ToList();
            }
            if (still.Count == 0 || ctx.Time.GetElapsedTime(start) >= options.Wait) break;
            await Task.Delay(TimeSpan.FromSeconds(2), ctx.Time, ct).ConfigureAwait(false);
        }
        if (!options.ForceOff && still.Count > 0)
            problems.Add($"still running after {Duration.Format(options.Wait)} and force_off is false: {string.Join(", ", still)}");
        foreach (var vm in options.ForceOff ? still : [])
        {
            string[] cmd = [.. virsh, "destroy", vm];
            var r = await ctx.Executor.RunAsync(cmd, CommandTimeout, ct).ConfigureAwait(false);
            if (!r.Succeeded) problems.Add($"{CommandText.Format(cmd)}: {r.Describe()}");
        }
        var summary = $"{names.Count - still.Count} of {names.Count} VM(s) shut down{(options.ForceOff && still.Count > 0 ? $"; destroyed after {Duration.Format(options.Wait)}: {string.Join(", ", still)}" : "")}";
        return problems.Count == 0 ? StepReport.Ok(summary) : StepReport.Failed(summary + "; " + string.Join("; ", problems));
    }
}
