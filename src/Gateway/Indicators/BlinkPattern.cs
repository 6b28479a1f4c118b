namespace Gateway.Indicators;

/// <summary>
/// A repeating LED pattern: alternating on/off durations starting with "on". All durations are multiples of
/// <see cref="IndicatorEngine.Tick"/>, so the timeline is exact.
/// </summary>
public sealed class BlinkPattern
{
    private readonly TimeSpan[] _segments;
    private readonly TimeSpan _period;

    private BlinkPattern(string name, params TimeSpan[] segments)
    {
        Name = name;
        _segments = segments;
        _period = segments.Aggregate(TimeSpan.Zero, (a, b) => a + b);
    }

    public string Name { get; }

    public static readonly BlinkPattern Steady = new("steady");
    public static readonly BlinkPattern Off = new("off");
    /// <summary>On battery: 1 s on, 1 s off.</summary>
    public static readonly BlinkPattern Slow = new("slow blink", Ms(1000), Ms(1000));
    /// <summary>Shutdown pending or running: 5 Hz.</summary>
    public static readonly BlinkPattern Fast = new("fast blink", Ms(100), Ms(100));
    /// <summary>A device link lost: two short flashes every 2 s.</summary>
    public static readonly BlinkPattern Double = new("double blink", Ms(200), Ms(200), Ms(200), Ms(1400));

    public static BlinkPattern For(IndicatorState state) => state switch
    {
        IndicatorState.AllGood => Steady,
        IndicatorState.DeviceLinkLost => Double,
        IndicatorState.OnBattery => Slow,
        _ => Fast,
    };

    /// <summary>Whether the LED is lit <paramref name="sinceStart"/> after the pattern began.</summary>
    public bool IsOnAt(TimeSpan sinceStart)
    {
        if (ReferenceEquals(this, Steady)) return true;
        if (ReferenceEquals(this, Off) || _period <= TimeSpan.Zero) return false;
        var t = TimeSpan.FromTicks(sinceStart.Ticks % _period.Ticks);
        var on = true;
        foreach (var s in _segments)
        {
            if (t < s) return on;
            t -= s;
            on = !on;
        }
        return false;
    }

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);
}
