namespace Gateway.Shutdown.PowerCycle;

/// <summary>An armed UPS power-cycle as kept in data_dir, so a gateway restart before the command still sends it.</summary>
public sealed record PowerCycleArm(string Device, DateTimeOffset DueAt, string? Reason);
