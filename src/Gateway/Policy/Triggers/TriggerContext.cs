using Gateway.Configuration;
using Gateway.Drivers.Readings;

namespace Gateway.Policy.Triggers;

/// <summary>Everything a trigger may look at, computed once per evaluation.</summary>
/// <param name="Reading">The latest reading received from the UPS (possibly no longer fresh), or null before the first.</param>
/// <param name="OnBattery">The UPS has been on battery (not a self-test) for at least <c>on_battery_delay</c>.</param>
/// <param name="OnBatteryFor">How long since the outage began (from the first OB reading), or null on line power.</param>
/// <param name="SinceLastData">How long since the last fresh reading, or null before the first.</param>
/// <param name="DepletionRate">Charge lost per minute over the depletion window, or null when there is not enough history.</param>
public sealed record TriggerContext(
    PolicyOptions Options,
    TimeSpan PollInterval,
    UpsReading? Reading,
    bool OnBattery,
    TimeSpan? OnBatteryFor,
    TimeSpan? SinceLastData,
    double? DepletionRate)
{
    public double? Charge => Reading?.BatteryCharge;
    public TimeSpan? Runtime => Reading?.BatteryRuntimeSeconds is { } s ? TimeSpan.FromSeconds(s) : null;
    public bool Has(UpsStatusFlags flag) => Reading is { } r && r.Status.Has(flag);
}
