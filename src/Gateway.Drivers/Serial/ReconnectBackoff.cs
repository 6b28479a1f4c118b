namespace Gateway.Drivers.Serial;

/// <summary>
/// Delays between reconnect attempts, the gateway's one backoff type: by default 2 s, then ×1.5 each time,
/// capped at 60 s, each with a small random jitter (±5 %) so several adapters on one hub do not retry in
/// lockstep. The NUT client uses it doubling from 1 s to 30 s without jitter, the MQTT session doubling from
/// 0.5 s to 30 s (at most 1 s while the broker is merely unreachable).
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

    /// <summary>The cap.</summary>
    public TimeSpan Max => _max;

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

    /// <summary>Jumps to the cap (and stays there until <see cref="Reset"/>): for errors retrying fast cannot fix, such as a configuration error.</summary>
    public TimeSpan NextAtMax()
    {
        _next = _max;
        Attempts++;
        return _max;
    }

    public void Reset()
    {
        _next = _initial;
        Attempts = 0;
    }
}
