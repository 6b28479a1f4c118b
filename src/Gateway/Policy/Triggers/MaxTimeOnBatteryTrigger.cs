using Gateway.Configuration;

namespace Gateway.Policy.Triggers;

/// <summary>On battery for longer than <c>max_time_on_battery</c> (off when zero).</summary>
public sealed class MaxTimeOnBatteryTrigger : IShutdownTrigger
{
    public string Name => "max_time_on_battery";
    public bool CountsReadings => false;

    public TriggerHit? Check(TriggerContext c)
    {
        var max = c.Options.MaxTimeOnBattery;
        if (max <= TimeSpan.Zero || !c.OnBattery || c.OnBatteryFor is not { } t || t < max) return null;
        return new TriggerHit(Name, $"on battery for {Duration.Format(Round(t))}, the limit is {Duration.Format(max)}");
    }

    public TimeSpan? EstimateTimeToFire(TriggerContext c)
    {
        var max = c.Options.MaxTimeOnBattery;
        if (max <= TimeSpan.Zero || c.OnBatteryFor is not { } t) return null;
        return t >= max ? TimeSpan.Zero : max - t;
    }

    private static TimeSpan Round(TimeSpan t) => TimeSpan.FromSeconds(Math.Floor(t.TotalSeconds));
}
