namespace Gateway.Battery;

/// <summary>
/// Which UPS is running a battery self-test the gateway started, and until when at most. While it runs, that UPS's
/// OB readings are the test, not an outage: the policy reads them like <c>CAL</c> (low battery on battery still counts).
/// The window closes when the test is over (the UPS reports OL again) or at its deadline, whichever comes first.
/// </summary>
public sealed class BatterySelfTestWindow(TimeProvider time)
{
    private readonly Lock _gate = new();
    private string? _deviceId;
    private DateTimeOffset _until;

    /// <summary>Opens the window for <paramref name="deviceId"/> for at most <paramref name="limit"/>.</summary>
    public void Open(string deviceId, TimeSpan limit)
    {
        lock (_gate)
        {
            _deviceId = deviceId;
            _until = time.GetUtcNow() + limit;
        }
    }

    public void Close()
    {
        lock (_gate) _deviceId = null;
    }

    /// <summary>True while a self-test the gateway started on <paramref name="deviceId"/> runs (and its deadline has not passed).</summary>
    public bool IsRunning(string deviceId)
    {
        lock (_gate) return _deviceId == deviceId && time.GetUtcNow() < _until;
    }
}
