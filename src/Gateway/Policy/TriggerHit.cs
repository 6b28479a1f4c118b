namespace Gateway.Policy;

/// <summary>A trigger that fired: its stable name (fsd, low_battery, runtime, depletion_rate, max_time_on_battery, link_lost, ups_low_battery) and why.</summary>
public sealed record TriggerHit(string Name, string Reason);
