using Gateway.Configuration;
using Gateway.Shutdown.PowerCycle;

namespace Gateway.Shutdown.Steps;

/// <summary>
/// Arms the UPS power-cycle just before the local poweroff: <c>delay</c> after the local step starts (its
/// <c>final_delay</c> included), the protected UPS gets <c>shutdown.return</c> — cut the output, restore it when mains
/// returns — so machines set to power on with AC come back by themselves, also when mains came back after the point of
/// no return. Armed here and not after the local step, because the poweroff stops this process.
/// </summary>
public sealed class PowerCycleStep(PowerCycleOptions options, LocalStepOptions local, UpsPowerCycle? cycle, string? deviceId) : IShutdownStep
{
    public string Name => "power_cycle";
    public string Kind => ShutdownStepKinds.PowerCycle;
    public TimeSpan Budget => TimeSpan.FromSeconds(5);

    /// <summary>From arming to the command: the local step's final delay (when it runs) plus <c>power_cycle.delay</c>.</summary>
    public TimeSpan DueAfter => (local.Enabled ? local.FinalDelay : TimeSpan.Zero) + options.Delay;

    public async Task<StepReport> RunAsync(ShutdownStepContext ctx, CancellationToken ct)
    {
        if (deviceId is null) return StepReport.Skipped("no protected UPS to power-cycle");
        var what = $"{UpsPowerCycle.Command} to UPS '{deviceId}' {Duration.Format(DueAfter)} from now ({(local.Enabled ? $"local final_delay {Duration.Format(local.FinalDelay)} + " : "")}power_cycle.delay {Duration.Format(options.Delay)}): it cuts its output and restores it when mains returns";
        if (ctx.DryRun) return StepReport.DryRun("would send " + what);
        if (cycle is null) return StepReport.Skipped($"no UPS driver runs in this process; {UpsPowerCycle.Command} not armed");
        await cycle.ArmAsync(DueAfter, ctx.Reason, ct).ConfigureAwait(false);
        return StepReport.Ok("armed: " + what);
    }
}
