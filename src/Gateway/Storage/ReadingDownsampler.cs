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
        private readonly Dictionary<string, (double Sum, int Count, double Min, double Max, string Unit)> _sums = new(capacity, StringComparer.Ordinal);

        public int Count => _sums.Count;

        public long Start { get; } = start;

        public void Add(IReadOnlyList<Metric> metrics)
        {
            foreach (var m in metrics)
            {
                if (!double.IsFinite(m.Value)) continue;
                // One hash look-up per metric, not two.
                ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(_sums, m.Key, out var seen);
                s = seen
                    ? (s.Sum + m.Value, s.Count + 1, Math.Min(s.Min, m.Value), Math.Max(s.Max, m.Value), m.Unit)
                    : (m.Value, 1, m.Value, m.Value, m.Unit);
            }
        }

        public HistorySample ToSample(string device) => new(
            device,
            DateTimeOffset.FromUnixTimeSeconds(Start),
            _sums.Select(kv => new Metric(kv.Key, kv.Value.Sum / kv.Value.Count, kv.Value.Unit)).ToArray());

        public RollupSample ToRollup(string device) => new(
            device,
            DateTimeOffset.FromUnixTimeSeconds(Start),
            _sums.Select(kv => new MetricStats(kv.Key, kv.Value.Sum / kv.Value.Count, kv.Value.Min, kv.Value.Max, kv.Value.Unit)).ToArray());
    }
}
