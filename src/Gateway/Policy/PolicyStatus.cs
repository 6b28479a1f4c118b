namespace Gateway.Policy;

/// <summary>The policy's current state as shown on /api/policy, in Home Assistant and by the LED.</summary>
/// <param name="ProtectedDevice">The UPS watched, or null when no UPS is protected.</param>
/// <param name="NextTrigger">The trigger expected to fire first if nothing changes (e.g. "runtime"), or null.</param>
/// <param name="NextTriggerEta">Estimated time until <paramref name="NextTrigger"/> fires.</param>
/// <param name="LastDecision">The last decision with its reason, in words.</param>
/// <param name="FailsafeAt">While the link is lost during an outage: when the <c>link_lost</c> failsafe fires if no data comes back.</param>
/// <param name="RuntimeSeconds">The battery runtime left (range-checked), reported by the UPS or estimated.</param>
/// <param name="RuntimeEstimated">True when <paramref name="RuntimeSeconds"/> is the gateway's estimate, not the UPS's figure.</param>
public sealed record PolicyStatus(
    PolicyState State,
    string? ProtectedDevice,
    DateTimeOffset? OnBatterySince,
    string? NextTrigger,
    TimeSpan? NextTriggerEta,
    string? LastDecision,
    DateTimeOffset? LastDecisionAt,
    bool DryRun,
    DateTimeOffset? FailsafeAt = null,
    double? RuntimeSeconds = null,
    bool RuntimeEstimated = false)
{
    public static PolicyStatus Unprotected { get; } = new(PolicyState.Normal, null, null, null, null, "no UPS is protected (set policy.protect)", null, false);

    public static string StateName(PolicyState s) => s switch
    {
        PolicyState.OnBattery => "on_battery",
        PolicyState.ShutdownPending => "shutdown_pending",
        PolicyState.ShuttingDown => "shutting_down",
        _ => "normal",
    };
}
