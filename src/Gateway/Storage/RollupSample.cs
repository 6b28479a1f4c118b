namespace Gateway.Storage;

/// <summary>One device's metrics over one roll-up interval (1 minute or 15 minutes), stamped with the interval's start.</summary>
public sealed record RollupSample(string DeviceId, DateTimeOffset At, IReadOnlyList<MetricStats> Stats);
