using Gateway.Configuration;

namespace Gateway.Shutdown.Steps;

/// <summary>
/// libvirt guests: <c>virsh shutdown</c> each running domain, poll until they are off or <c>vms.wait</c> passes, then
/// (<c>force_off</c>) <c>virsh destroy</c> the rest; on <c>vms.uri</c> when set. Through the root helper the same
/// options travel in its request (<c>vms uri=… wait=… force-off</c>) and the helper verifies the VMs are off.
/// </summary>
public sealed class VmShutdownStep(VmStepOptions options, bool viaHelper = false) : IShutdownStep
{
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    public string Name => "vms";
    public string Kind => ShutdownStepKinds.Vms;
    public TimeSpan Budget => options.Wait + TimeSpan.FromSeconds(90);

    public async Task<StepReport> RunAsync(ShutdownStepContext ctx, CancellationToken ct)
    {
        if (viaHelper)
        {
            var request = PrivilegedHelper.VmRequest(options, check: ctx.DryRun);
            var helper = await PrivilegedHelper.RunAsync(ctx.Executor, request, ctx.DryRun ? CommandTimeout : options.Wait + TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            return PrivilegedHelper.Report(helper, ctx.DryRun);
        }
        string[] ListRunning = [.. Virsh, "list", "--name", "--state-running"];
        var list = await ctx.Executor.RunAsync(ListRunning, CommandTimeout, ct).ConfigureAwait(false);
        if (!list.Succeeded) return StepReport.Failed($"{CommandText.Format(ListRunning)}: {list.Describe()}");
        var running = Names(list.Output);
        if (running.Count == 0) return StepReport.Ok("no running VMs");

        if (ctx.DryRun)
        {
            var would = running.Select(n => CommandText.Format([.. Virsh, "shutdown", n])).ToList();
            return StepReport.DryRun($"{string.Join("; ", would)}; then poll '{CommandText.Format(ListRunning)}' every {Duration.Format(PollEvery)} for up to {Duration.Format(options.Wait)}" +
                                     (options.ForceOff ? $"; then '{CommandText.Format([.. Virsh, "destroy"])} <name>' for any still running" : "; VMs still running then are left running (force_off: false)"));
        }

        var problems = new List<string>();
        foreach (var vm in running)
        {
            string[] cmd = [.. Virsh, "shutdown", vm];
            var r = await ctx.Executor.RunAsync(cmd, CommandTimeout, ct).ConfigureAwait(false);
            if (!r.Succeeded) problems.Add($"{CommandText.Format(cmd)}: {r.Describe()}");
        }

        var deadline = ctx.Time.GetTimestamp();
        var still = running;
        while (still.Count > 0 && ctx.Time.GetElapsedTime(deadline) < options.Wait)
        {
            await Task.Delay(PollEvery, ctx.Time, ct).ConfigureAwait(false);
            var poll = await ctx.Executor.RunAsync(ListRunning, CommandTimeout, ct).ConfigureAwait(false);
            if (poll.Succeeded) still = Names(poll.Output).Intersect(running, StringComparer.Ordinal).ToList();
        }

        var destroyed = new List<string>();
        if (!options.ForceOff && still.Count > 0)
            problems.Add($"still running after {Duration.Format(options.Wait)} and force_off is false: {string.Join(", ", still)}");
        foreach (var vm in options.ForceOff ? still : [])
        {
            string[] cmd = [.. Virsh, "destroy", vm];
            var r = await ctx.Executor.RunAsync(cmd, CommandTimeout, ct).ConfigureAwait(false);
            if (r.Succeeded) destroyed.Add(vm);
            else problems.Add($"{CommandText.Format(cmd)}: {r.Describe()}");
        }

        var summary = $"{running.Count - still.Count} of {running.Count} VM(s) shut down gracefully" +
                      (destroyed.Count > 0 ? $"; destroyed after {Duration.Format(options.Wait)}: {string.Join(", ", destroyed)}" : "");
        return problems.Count == 0 ? StepReport.Ok(summary) : StepReport.Failed(summary + "; " + string.Join("; ", problems));
    }

    private string[] Virsh => options.Uri.Length > 0 ? ["virsh", "-c", options.Uri] : ["virsh"];

    private static List<string> Names(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
