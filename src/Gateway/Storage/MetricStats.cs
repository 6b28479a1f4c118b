namespace Gateway.Storage;

/// <summary>One metric over a roll-up interval: the mean of its readings, and the lowest and highest reading.</summary>
public readonly record struct MetricStats(string Key, double Avg, double Min, double Max, string Unit);
