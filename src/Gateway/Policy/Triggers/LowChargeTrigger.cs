using System.Globalization;

namespace Gateway.Policy.Triggers;

/// <summary>Battery charge below <c>low_battery_percent</c> while on battery.</summary>
public sealed class LowChargeTrigger : IShutdownTrigger
{
    public string Name => "low_battery";

    public TriggerHit? Check(TriggerContext c)
    {
        if (!c.OnBattery || c.Charge is not { } charge || charge >= c.Options.LowBatteryPercent) return null;
        return new TriggerHit(Name, string.Create(CultureInfo.InvariantCulture, $"battery charge {charge:0.#}% is below {c.Options.LowBatteryPercent}% on battery"));
    }

    public TimeSpan? EstimateTimeToFire(TriggerContext c)
    {
        if (c.Charge is not { } charge || c.DepletionRate is not { } rate || rate <= 0) return null;
        var minutes = (charge - c.Options.LowBatteryPercent) / rate;
        return minutes <= 0 ? TimeSpan.Zero : TimeSpan.FromMinutes(Math.Min(minutes, 7 * 24 * 60));
    }
}
