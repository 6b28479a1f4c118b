namespace Gateway.Drivers.Serial;

/// <summary>
/// Delays between reconnect attempts: 2 s, then ×1.5 each time, capped at 60 s, each with a small random
/// jitter (±5 % by default) so several adapters on one hub do not retry in lockstep.
/// </summary>
public sealed class ReconnectBackoff
{
    public static readonly TimeSpan DefaultInitial = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultMax = TimeSpan.FromSeconds(60);
    public const double DefaultFactor = 1.5;
    public const double DefaultJitter = 0.05;

    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly double _factor;
    private readonly double _jitter;
    private readonly Random _random;
    private TimeSpan _next;

    public ReconnectBackoff(Random? random = null, double jitter = DefaultJitter, TimeSpan? initial = null, TimeSpan? max = null, double factor = DefaultFactor)
    {
        _initial = initial ?? DefaultInitial;
        _max = max ?? DefaultMax;
        _factor = factor;
        _jitter = jitter;
        _random = random ?? Random.Shared;
        _next = _initial;
    }

    /// <summary>Attempts since the last <see cref="Reset"/>.</summary>
    public int Attempts { get; private set; }

    /// <summary>The un-jittered delay the next call will be based on.</summary>
    public TimeSpan Base => _next;

    public TimeSpan Next()
    {
        var baseDelay = _next;
        _next = TimeSpan.FromTicks(Math.Min((long)(_next.Ticks * _factor), _max.Ticks));
        Attempts++;
        var factor = 1 + (_random.NextDouble() * 2 - 1) * _jitter;
        return TimeSpan.FromTicks(Math.Min((long)(baseDelay.Ticks * factor), _max.Ticks));
    }

    public void Reset()
    {
        _next = _initial;
        Attempts = 0;
    }
}
