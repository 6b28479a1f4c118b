using Gateway.Policy;

namespace Gateway.Web;

/// <summary>The body of GET /api/policy.</summary>
public sealed record PolicyReport(
    string State,
    string? ProtectedDevice,
    DateTimeOffset? OnBatterySince,
    double? TimeOnBatterySeconds,
    string? NextTrigger,
    double? NextTriggerEtaSeconds,
    DateTimeOffset? NextTriggerAt,
    string? LastDecision,
    DateTimeOffset? LastDecisionAt,
    bool DryRun,
    DateTimeOffset? FailsafeAt,
    double? FailsafeInSeconds,
    double? RuntimeSeconds,
    bool RuntimeEstimated)
{
    public static PolicyReport From(PolicyStatus s, DateTimeOffset now) => new(
        PolicyStatus.StateName(s.State),
        s.ProtectedDevice,
        s.OnBatterySince,
        s.OnBatterySince is { } since ? Math.Round(Math.Max(0, (now - since).TotalSeconds), 1) : null,
        s.NextTrigger,
        s.NextTriggerEta is { } eta ? Math.Round(eta.TotalSeconds, 1) : null,
        s.NextTriggerEta is { } e ? now + e : null,
        s.LastDecision,
        s.LastDecisionAt,
        s.DryRun,
        s.FailsafeAt,
        s.FailsafeAt is { } f ? Math.Round(Math.Max(0, (f - now).TotalSeconds), 1) : null,
        s.RuntimeSeconds,
        s.RuntimeEstimated);
}
