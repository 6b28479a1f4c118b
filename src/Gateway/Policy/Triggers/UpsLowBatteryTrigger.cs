using Gateway.Drivers.Readings;

namespace Gateway.Policy.Triggers;

/// <summary>The UPS itself says OB+LB (after <c>on_battery_delay</c>, so an Eaton that flags LB the moment it goes on battery does not shut down on a blink).</summary>
public sealed class UpsLowBatteryTrigger : IShutdownTrigger
{
    public string Name => "ups_low_battery";

    public TriggerHit? Check(TriggerContext c) =>
        c.OnBattery && c.Has(UpsStatusFlags.LB) && c.Has(UpsStatusFlags.OB)
            ? new TriggerHit(Name, $"the UPS reports low battery on battery (status {c.Reading!.Status})")
            : null;

    public TimeSpan? EstimateTimeToFire(TriggerContext c) => null;
}
