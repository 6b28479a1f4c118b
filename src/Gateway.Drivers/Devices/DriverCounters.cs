namespace Gateway.Drivers.Devices;

/// <summary>Thread-safe counters a driver keeps about its link. Exposed on /metrics and /api/health.</summary>
public sealed class DriverCounters
{
    private long _requests, _timeouts, _badFrames, _badReadings, _reconnects, _linkLosses;

    public long Requests => Interlocked.Read(ref _requests);
    public long Timeouts => Interlocked.Read(ref _timeouts);
    /// <summary>Corrupt, truncated or mismatched frames / protocol lines, counted and skipped.</summary>
    public long BadFrames => Interlocked.Read(ref _badFrames);
    /// <summary>Readings rejected as implausible (e.g. an invalid MUST work state).</summary>
    public long BadReadings => Interlocked.Read(ref _badReadings);
    /// <summary>Successful reconnects after a loss.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);
    public long LinkLosses => Interlocked.Read(ref _linkLosses);

    public void CountRequest() => Interlocked.Increment(ref _requests);
    public void CountTimeout() => Interlocked.Increment(ref _timeouts);
    public void CountBadFrame() => Interlocked.Increment(ref _badFrames);
    public void CountBadReading() => Interlocked.Increment(ref _badReadings);
    public void CountReconnect() => Interlocked.Increment(ref _reconnects);
    public void CountLinkLoss() => Interlocked.Increment(ref _linkLosses);
}
