using Gateway.Configuration;
using Gateway.Policy;

namespace Gateway.LiveApply;

/// <summary>
/// Applies <c>policy</c> and <c>shutdown.dry_run</c> to the running policy, which holds them while the power is out
/// (<see cref="PolicyRunner.Reconfigure"/>). A different protected UPS needs a restart (<see cref="ConfigDiff.RestartReasons"/>).
/// </summary>
public sealed class PolicyTarget(PolicyRunner runner, LiveConfig live) : ILiveConfigTarget
{
    public string Section => "policy";

    public Task ApplyAsync(ConfigChange change, GatewayConfig next, CancellationToken ct)
    {
        var ups = live.Boot.ProtectedUps;
        if (ups is null || next.ProtectedUps?.Id != ups.Id) return Task.CompletedTask;
        if (change.Has("policy") || change.DryRunChanged || change.DevicesChanged.Contains(ups.Id))
            runner.Reconfigure(next.Policy, next.ProtectedUps!.PollInterval, next.Shutdown.DryRun);
        return Task.CompletedTask;
    }
}
