namespace Gateway.Storage;

/// <summary>One point of a history series (already downsampled).</summary>
public readonly record struct HistoryPoint(DateTimeOffset At, double Value);
