namespace Gateway.Policy.Triggers;

/// <summary>One reason to shut down. Triggers are checked in a fixed order; the first that fires wins.</summary>
public interface IShutdownTrigger
{
    string Name { get; }

    /// <summary>
    /// True for a trigger that judges readings (charge, runtime, status flags): it fires only when its condition held
    /// in <c>trigger_readings</c> consecutive fresh readings. False for one that judges time (time on battery, silence).
    /// </summary>
    bool CountsReadings => true;

    /// <summary>Fires (returns the reason) or not (null).</summary>
    TriggerHit? Check(TriggerContext context);

    /// <summary>How long until this trigger is expected to fire if nothing changes, or null when it cannot be estimated.</summary>
    TimeSpan? EstimateTimeToFire(TriggerContext context);
}
