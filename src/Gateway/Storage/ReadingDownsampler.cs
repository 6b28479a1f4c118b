using System.Runtime.InteropServices;
using Gateway.Drivers.Readings;

namespace Gateway.Storage;

/// <summary>
/// Folds readings into one <see cref="HistorySample"/> per device per interval, averaging each metric over the
/// interval (a 1 s poll and a 10 s interval give the mean of ten readings). Intervals are aligned to the Unix
/// epoch, so a restart continues the same grid. The same folding with a 1-minute or 15-minute interval gives the
/// roll-up tiers (<see cref="TakeClosedRollups"/>: mean, minimum and maximum). Not thread-safe: the caller serialises access.
/// </summary>
public sealed class ReadingDownsampler
{
    private readonly long _intervalSeconds;
    private readonly Dictionary<string, OpenInterval> _open = new(StringComparer.Ordinal);
    private readonly List<(string Device, OpenInterval Interval)> _closed = [];

    public ReadingDownsampler(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromSeconds(1));
        _intervalSeconds = (long)interval.TotalSeconds;
    }

    public TimeSpan Interval => TimeSpan.FromSeconds(_intervalSeconds);

    /// <summary>Readings older than the device's open interval (out of order, clock step back) are dropped and counted.</summary>
    public long LateReadings { get; private set; }

    public void Add(Reading reading)
    {
        var start = StartOf(reading.Timestamp);
        if (_open.TryGetValue(reading.DeviceId, out var open))
        {
            if (start < open.Start)
            {
                LateReadings++;
                return;
            }
            if (start > open.Start)
            {
                _closed.Add((reading.DeviceId, open));
                open = new OpenInterval(start, open.Count);
                _open[reading.DeviceId] = open;
            }
        }
        else
        {
            open = new OpenInterval(start);
            _open[reading.DeviceId] = open;
        }
        open.Add(reading.Metrics);
    }

    /// <summary>Samples of every interval that has ended by <paramref name="now"/>, oldest first; they are handed over once.</summary>
    public IReadOnlyList<HistorySample> TakeClosed(DateTimeOffset now)
    {
        CloseEnded(now);
        return Drain(static (device, open) => open.ToSample(device));
    }

    /// <summary>Like <see cref="TakeClosed"/>, with each metric's mean, minimum and maximum over the interval.</summary>
    public IReadOnlyList<RollupSample> TakeClosedRollups(DateTimeOffset now)
    {
        CloseEnded(now);
        return Drain(static (device, open) => open.ToRollup(device));
    }

    /// <summary>Everything, including intervals still open (used when the gateway stops).</summary>
    public IReadOnlyList<HistorySample> TakeAll()
    {
        CloseAll();
        return Drain(static (device, open) => open.ToSample(device));
    }

    /// <summary>Every roll-up, including intervals still open (used when the gateway stops).</summary>
    public IReadOnlyList<RollupSample> TakeAllRollups()
    {
        CloseAll();
        return Drain(static (device, open) => open.ToRollup(device));
    }

    private void CloseEnded(DateTimeOffset now)
    {
        var nowSeconds = now.ToUnixTimeSeconds();
        foreach (var (device, open) in _open.ToArray())
        {
            if (open.Start + _intervalSeconds <= nowSeconds)
            {
                _closed.Add((device, open));
                _open.Remove(device);
            }
        }
    }

    private void CloseAll()
    {
        foreach (var (device, open) in _open) _closed.Add((device, open));
        _open.Clear();
    }

    private T[] Drain<T>(Func<string, OpenInterval, T> convert)
    {
        if (_closed.Count == 0) return [];
        var result = _closed.OrderBy(c => c.Interval.Start).ThenBy(c => c.Device, StringComparer.Ordinal).Select(c => convert(c.Device, c.Interval)).ToArray();
        _closed.Clear();
        return result;
    }

    private long StartOf(DateTimeOffset t)
    {
        var s = t.ToUnixTimeSeconds();
        return s - (((s % _intervalSeconds) + _intervalSeconds) % _intervalSeconds);
    }

    /// <param name="capacity">The previous interval's metric count: the device's next interval is sized for it (no resize per interval).</param>
    private sealed class OpenInterval(long start, int capacity = 0)
    {
        // Slots in first-seen order (the order samples list them); a device's readings list their metrics in the same
        // order every time, so each metric is matched to the slot after the previous one's without hashing its key.
        private readonly List<(string Key, double Sum, int Count, double Min, double Max, string Unit)> _slots = new(capacity);
        private readonly Dictionary<string, int> _index = new(capacity, StringComparer.Ordinal);

        public int Count => _slots.Count;

        public long Start { get; } = start;

        public void Add(IReadOnlyList<Metric> metrics)
        {
            var next = 0;
            for (var i = 0; i < metrics.Count; i++)
            {
                var m = metrics[i];
                if (!double.IsFinite(m.Value)) continue;
                int slot;
                if (next < _slots.Count && string.Equals(_slots[next].Key, m.Key, StringComparison.Ordinal)) slot = next;
                else if (!_index.TryGetValue(m.Key, out slot))
                {
                    slot = _slots.Count;
                    _index.Add(m.Key, slot);
                    _slots.Add((m.Key, m.Value, 1, m.Value, m.Value, m.Unit));
                    next = slot + 1;
                    continue;
                }
                ref var s = ref CollectionsMarshal.AsSpan(_slots)[slot];
                s = (s.Key, s.Sum + m.Value, s.Count + 1, Math.Min(s.Min, m.Value), Math.Max(s.Max, m.Value), m.Unit);
                next = slot + 1;
            }
        }

        public HistorySample ToSample(string device)
        {
            var metrics = new Metric[_slots.Count];
            for (var i = 0; i < metrics.Length; i++)
            {
                var s = _slots[i];
                metrics[i] = new Metric(s.Key, s.Sum / s.Count, s.Unit);
            }
            return new(device, DateTimeOffset.FromUnixTimeSeconds(Start), metrics);
        }

        public RollupSample ToRollup(string device)
        {
            var stats = new MetricStats[_slots.Count];
            for (var i = 0; i < stats.Length; i++)
            {
                var s = _slots[i];
                stats[i] = new MetricStats(s.Key, s.Sum / s.Count, s.Min, s.Max, s.Unit);
            }
            return new(device, DateTimeOffset.FromUnixTimeSeconds(Start), stats);
        }
    }
}
