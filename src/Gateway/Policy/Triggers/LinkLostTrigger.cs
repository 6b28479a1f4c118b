using Gateway.Configuration;

namespace Gateway.Policy.Triggers;

/// <summary>
/// Failsafe: no fresh data from a UPS whose last word was "on battery" for longer than <c>link_lost_after</c> (and
/// <c>stale_tolerance</c> polls). A link that drops on line power, or right after a blink that OL readings ended, is
/// not a trigger (a USB adapter often resets when the mains blinks); one that stays gone on battery means the
/// battery may run flat unseen. The floor gives the serial backoff (2 s, ×1.5) seven tries to reconnect first.
/// </summary>
public sealed class LinkLostTrigger : IShutdownTrigger
{
    public string Name => "link_lost";
    public bool CountsReadings => false;

    public TriggerHit? Check(TriggerContext c)
    {
        if (!c.FailsafeArmed || c.SinceLastData is not { } age) return null;
        var limit = Limit(c);
        if (age < limit) return null;
        return new TriggerHit(Name, $"no fresh data from the UPS for {Duration.Format(TimeSpan.FromSeconds(Math.Floor(age.TotalSeconds)))} while on battery (the limit is {Duration.Format(limit)}: policy.link_lost_after)");
    }

    /// <summary>Only while data is missing (more than two polls): how long until the failsafe fires.</summary>
    public TimeSpan? EstimateTimeToFire(TriggerContext c)
    {
        if (!c.FailsafeArmed || c.SinceLastData is not { } age || age <= c.PollInterval * 2) return null;
        var left = Limit(c) - age;
        return left <= TimeSpan.Zero ? TimeSpan.Zero : left;
    }

    public static TimeSpan Limit(TriggerContext c)
    {
        var polls = c.PollInterval * c.Options.StaleTolerance;
        return polls > c.Options.LinkLostAfter ? polls : c.Options.LinkLostAfter;
    }
}
