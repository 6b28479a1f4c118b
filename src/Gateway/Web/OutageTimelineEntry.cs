namespace Gateway.Web;

/// <summary>
/// One moment of an outage's timeline: power lost, a trigger, a shutdown step (with how long it took), a shed or
/// woken machine, power back. <paramref name="OffsetSeconds"/> counts from the start of the outage.
/// </summary>
/// <param name="Kind">The event kind (<c>power_lost</c>, <c>trigger_fired</c>, <c>shutdown_step</c>, …).</param>
/// <param name="Outcome">ok, failed, timeout, dry_run, … (steps, sheds, wake-ups); null for the others.</param>
/// <param name="Seconds">How long the step took; null when it is a moment, not a step.</param>
public sealed record OutageTimelineEntry(DateTimeOffset At, double OffsetSeconds, string Kind, string Title, string Detail, string? Outcome, double? Seconds);
