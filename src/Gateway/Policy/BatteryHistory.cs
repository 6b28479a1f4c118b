namespace Gateway.Policy;

/// <summary>
/// Battery charge samples of the current outage, on the monotonic clock, for the depletion rate. The rate is the
/// least-squares slope over the window, so one noisy reading does not swing it.
/// </summary>
public sealed class BatteryHistory
{
    public const int MaxSamples = 1000;
    private readonly List<BatterySample> _samples = [];

    public IReadOnlyList<BatterySample> Samples => _samples;

    public void Add(TimeSpan at, double charge)
    {
        if (!double.IsFinite(charge)) return;
        if (_samples.Count > 0 && at <= _samples[^1].At) return;
        _samples.Add(new BatterySample(at, charge));
        if (_samples.Count > MaxSamples) _samples.RemoveAt(0);
    }

    public void Clear() => _samples.Clear();

    /// <summary>Drops samples older than <paramref name="keep"/> before <paramref name="now"/>.</summary>
    public void Prune(TimeSpan now, TimeSpan keep)
    {
        var cut = now - keep;
        var n = 0;
        while (n < _samples.Count && _samples[n].At < cut) n++;
        if (n > 0) _samples.RemoveRange(0, n);
    }

    /// <summary>Charge lost per minute over the window ending at <paramref name="now"/> (positive = discharging), or null
    /// when the samples in the window span less than <paramref name="minimumSpan"/>.</summary>
    /// <param name="notBefore">Samples before this are ignored (the sag at the start of an outage).</param>
    public double? DepletionRate(TimeSpan now, TimeSpan window, TimeSpan minimumSpan, TimeSpan? notBefore = null)
    {
        var from = now - window;
        if (notBefore is { } nb && nb > from) from = nb;
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        TimeSpan? first = null, last = null;
        foreach (var s in _samples)
        {
            if (s.At < from || s.At > now) continue;
            first ??= s.At;
            last = s.At;
            var x = (s.At - from).TotalMinutes;
            n++; sx += x; sy += s.Charge; sxx += x * x; sxy += x * s.Charge;
        }
        if (n < 2 || first is null || last!.Value - first.Value < minimumSpan) return null;
        var denominator = n * sxx - sx * sx;
        if (denominator <= 0) return null;
        var slope = (n * sxy - sx * sy) / denominator;
        return -slope;
    }
}

/// <summary>One charge sample at a monotonic time.</summary>
public readonly record struct BatterySample(TimeSpan At, double Charge);
