using Gateway.Configuration;

namespace Gateway.Policy.Triggers;

/// <summary>
/// Failsafe: no fresh data from a UPS last seen on battery for more than <c>stale_tolerance</c> polls. A link that
/// drops on line power is not a trigger (a USB link often drops when the power blinks); one that stays gone on
/// battery means the battery may run flat unseen.
/// </summary>
public sealed class LinkLostTrigger : IShutdownTrigger
{
    public string Name => "link_lost";

    public TriggerHit? Check(TriggerContext c)
    {
        if (!c.OnBattery || c.SinceLastData is not { } age) return null;
        var limit = Limit(c);
        if (age <= limit) return null;
        return new TriggerHit(Name, $"no fresh data from the UPS for {Duration.Format(TimeSpan.FromSeconds(Math.Floor(age.TotalSeconds)))} while on battery (more than {c.Options.StaleTolerance} polls of {Duration.Format(c.PollInterval)})");
    }

    public TimeSpan? EstimateTimeToFire(TriggerContext c) => null;

    public static TimeSpan Limit(TriggerContext c) => c.PollInterval * c.Options.StaleTolerance;
}
