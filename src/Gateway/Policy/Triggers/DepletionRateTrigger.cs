using System.Globalization;
using Gateway.Configuration;

namespace Gateway.Policy.Triggers;

/// <summary>
/// Charge falling faster than <c>critical_depletion_rate</c> (%/min) over <c>depletion_window</c>, after
/// <c>depletion_grace</c>: the first seconds on battery show a voltage sag that reads as a steep, false drop, so
/// samples taken during the grace are also left out of the rate.
/// </summary>
public sealed class DepletionRateTrigger : IShutdownTrigger
{
    public string Name => "depletion_rate";

    public TriggerHit? Check(TriggerContext c)
    {
        if (!c.OnBattery || c.Options.CriticalDepletionRate <= 0) return null;
        if (c.OnBatteryFor is not { } onBattery || onBattery < c.Options.DepletionGrace) return null;
        if (c.DepletionRate is not { } rate || rate <= c.Options.CriticalDepletionRate) return null;
        return new TriggerHit(Name, string.Create(CultureInfo.InvariantCulture,
            $"battery charge falling at {rate:0.#}%/min (over {Duration.Format(c.Options.DepletionWindow)}), above {c.Options.CriticalDepletionRate:0.#}%/min"));
    }

    public TimeSpan? EstimateTimeToFire(TriggerContext c) => null;
}
