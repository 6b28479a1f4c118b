namespace Gateway.Storage;

/// <summary>
/// Reduces a time-ordered series to at most a given number of points: the range is cut into equal buckets and
/// each non-empty bucket becomes one point (mean time, mean value).
/// </summary>
internal sealed class SeriesDownsampler
{
    private readonly long _from;
    private readonly long _width;
    private readonly List<HistoryPoint> _points = [];
    private long _bucket = long.MinValue;
    private double _sumValue;
    private double _sumTime;
    private int _count;

    public SeriesDownsampler(long fromSeconds, long toSeconds, int maxPoints)
    {
        _from = fromSeconds;
        // width > span/maxPoints, so the last bucket index (span/width) is below maxPoints.
        _width = (toSeconds - fromSeconds) / maxPoints + 1;
    }

    public void Add(long atSeconds, double value)
    {
        var bucket = (atSeconds - _from) / _width;
        if (bucket != _bucket)
        {
            Emit();
            _bucket = bucket;
        }
        _sumValue += value;
        _sumTime += atSeconds;
        _count++;
    }

    public IReadOnlyList<HistoryPoint> Result()
    {
        Emit();
        return _points;
    }

    private void Emit()
    {
        if (_count == 0) return;
        _points.Add(new HistoryPoint(DateTimeOffset.FromUnixTimeSeconds((long)Math.Round(_sumTime / _count)), _sumValue / _count));
        _sumValue = 0;
        _sumTime = 0;
        _count = 0;
    }
}
