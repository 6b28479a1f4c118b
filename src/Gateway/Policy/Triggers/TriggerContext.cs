using Gateway.Configuration;
using Gateway.Drivers.Readings;

namespace Gateway.Policy.Triggers;

/// <summary>Everything a trigger may look at, computed once per evaluation.</summary>
/// <param name="Reading">The latest fresh reading received from the UPS (possibly no longer fresh), or null before the first.</param>
/// <param name="OnBattery">The outage is confirmed: fresh OB readings spanning <c>on_battery_delay</c>, not yet ended by OL readings.</param>
/// <param name="OnBatteryFor">How long since the outage began (from the first OB reading), or null on line power.</param>
/// <param name="SinceLastData">How long since the last fresh reading, or null before the first.</param>
/// <param name="DepletionRate">Charge lost per minute over the depletion window, or null when there is not enough history.</param>
/// <param name="Charge">The latest battery charge in range (0–100 %), else null.</param>
/// <param name="Runtime">The latest runtime in range (more than zero), else null.</param>
/// <param name="FailsafeArmed">The last word from the UPS was "on battery" (a confirmed outage, an outage the link
/// dropped in the middle of, or one restored after a restart), so silence may mean the battery runs flat unseen.</param>
public sealed record TriggerContext(
    PolicyOptions Options,
    TimeSpan PollInterval,
    UpsReading? Reading,
    bool OnBattery,
    TimeSpan? OnBatteryFor,
    TimeSpan? SinceLastData,
    double? DepletionRate,
    double? Charge = null,
    TimeSpan? Runtime = null,
    bool FailsafeArmed = false)
{
    public bool Has(UpsStatusFlags flag) => Reading is { } r && r.Status.Has(flag);
}
