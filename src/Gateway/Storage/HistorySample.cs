using Gateway.Drivers.Readings;

namespace Gateway.Storage;

/// <summary>One device's metrics over one <c>history.interval</c>: the mean of every reading in it, stamped with the interval's start.</summary>
public sealed record HistorySample(string DeviceId, DateTimeOffset At, IReadOnlyList<Metric> Metrics);
