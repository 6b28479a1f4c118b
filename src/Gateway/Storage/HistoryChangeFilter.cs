using Gateway.Drivers.Readings;

namespace Gateway.Storage;

/// <summary>
/// Keeps only what changed: a metric of an interval sample is passed on when it moved by more than the deadband
/// (a percentage of the value last passed on, and never less than <see cref="AbsoluteFloor"/>) or when its last
/// row is a heartbeat old. A sample left with no metric is dropped. So a steady value costs one row per
/// heartbeat, and a gap longer than the heartbeat means the gateway was not recording, not "no change".
/// Not thread-safe: the caller serialises access.
/// </summary>
public sealed class HistoryChangeFilter(double deadbandPercent, TimeSpan heartbeat)
{
    /// <summary>Changes smaller than this never count (float noise around zero).</summary>
    public const double AbsoluteFloor = 1e-9;

    private readonly double _fraction = deadbandPercent / 100;
    private readonly Dictionary<(string Device, string Key), (double Value, DateTimeOffset At)> _last = [];

    public TimeSpan Heartbeat { get; } = heartbeat;

    public long MetricsIn { get; private set; }
    public long MetricsOut { get; private set; }

    public IReadOnlyList<HistorySample> Filter(IReadOnlyList<HistorySample> samples)
    {
        if (samples.Count == 0) return samples;
        var kept = new List<HistorySample>(samples.Count);
        foreach (var s in samples)
        {
            List<Metric>? moved = null;
            foreach (var m in s.Metrics)
            {
                MetricsIn++;
                var key = (s.DeviceId, m.Key);
                if (_last.TryGetValue(key, out var last)
                    && s.At - last.At < Heartbeat
                    && Math.Abs(m.Value - last.Value) <= Math.Max(Math.Abs(last.Value) * _fraction, AbsoluteFloor))
                    continue;
                _last[key] = (m.Value, s.At);
                (moved ??= []).Add(m);
            }
            if (moved is null) continue;
            MetricsOut += moved.Count;
            kept.Add(moved.Count == s.Metrics.Count ? s : s with { Metrics = moved });
        }
        return kept;
    }
}
