using Gateway.Configuration;

namespace Gateway.Shutdown.Steps;

/// <summary>libvirt guests: <c>virsh shutdown</c> each running domain, poll until they are off or <c>vms.wait</c> passes, then <c>virsh destroy</c> the rest.</summary>
public sealed class VmShutdownStep(VmStepOptions options, bool viaHelper = false) : IShutdownStep
{
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);
    private static readonly string[] ListRunning = ["virsh", "list", "--name", "--state-running"];

    public string Name => "vms";
    public string Kind => ShutdownStepKinds.Vms;
    public TimeSpan Budget => options.Wait + TimeSpan.FromSeconds(90);

    public async Task<StepReport> RunAsync(ShutdownStepContext ctx, CancellationToken ct)
    {
        if (viaHelper)
        {
            // The root helper shuts every running VM down and waits for them (GATEWAY_VM_WAIT in its unit).
            var argv = PrivilegedHelper.Start("vms");
            if (ctx.DryRun) return StepReport.DryRun(CommandText.Format(argv));
            return StepReport.FromCommand(argv, await ctx.Executor.RunAsync(argv, options.Wait + TimeSpan.FromSeconds(60), ct).ConfigureAwait(false));
        }
        var list = await ctx.Executor.RunAsync(ListRunning, CommandTimeout, ct).ConfigureAwait(false);
        if (!list.Succeeded) return StepReport.Failed($"{CommandText.Format(ListRunning)}: {list.Describe()}");
        var running = Names(list.Output);
        if (running.Count == 0) return StepReport.Ok("no running VMs");

        if (ctx.DryRun)
        {
            var would = running.Select(n => CommandText.Format(["virsh", "shutdown", n])).ToList();
            return StepReport.DryRun($"{string.Join("; ", would)}; then poll '{CommandText.Format(ListRunning)}' every {Duration.Format(PollEvery)} for up to {Duration.Format(options.Wait)}; then 'virsh destroy <name>' for any still running");
        }

        var problems = new List<string>();
        foreach (var vm in running)
        {
            string[] cmd = ["virsh", "shutdown", vm];
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
        foreach (var vm in still)
        {
            string[] cmd = ["virsh", "destroy", vm];
            var r = await ctx.Executor.RunAsync(cmd, CommandTimeout, ct).ConfigureAwait(false);
            if (r.Succeeded) destroyed.Add(vm);
            else problems.Add($"{CommandText.Format(cmd)}: {r.Describe()}");
        }

        var summary = $"{running.Count - still.Count} of {running.Count} VM(s) shut down gracefully" +
                      (destroyed.Count > 0 ? $"; destroyed after {Duration.Format(options.Wait)}: {string.Join(", ", destroyed)}" : "");
        return problems.Count == 0 ? StepReport.Ok(summary) : StepReport.Failed(summary + "; " + string.Join("; ", problems));
    }

    private static List<string> Names(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
