namespace Gateway.Drivers.Nut;

/// <summary>
/// Delays between reconnect attempts: doubling from <see cref="Initial"/> up to <see cref="Max"/>, reset by a
/// successful poll. Configuration errors wait <see cref="Max"/> straight away: retrying fast cannot fix them.
/// </summary>
public sealed class NutReconnectBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    private TimeSpan _next = Initial;

    public TimeSpan Next()
    {
        var d = _next;
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, Max.Ticks));
        return d;
    }

    public TimeSpan NextForConfigurationError()
    {
        _next = Max;
        return Max;
    }

    public void Reset() => _next = Initial;
}
