using Gateway.Drivers.Gpio;

namespace Gateway.Indicators;

/// <summary>
/// Turns the gateway state into LED and buzzer levels, one <see cref="Update"/> per <see cref="Tick"/>.
/// LED: steady = all good, slow blink = on battery, fast blink = shutdown pending or running, double blink =
/// a device link lost. A pattern restarts when the state changes. Buzzer: a short beep when power is lost, a
/// beep every 30 s on battery (muted in quiet hours), continuous while shutting down, silent otherwise.
/// </summary>
public sealed class IndicatorEngine
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan BeepLength = TimeSpan.FromMilliseconds(300);
    public static readonly TimeSpan BeepEvery = TimeSpan.FromSeconds(30);

    private readonly Func<IndicatorState> _readState;
    private readonly StatusLed? _led;
    private readonly Buzzer? _buzzer;
    private readonly QuietHours? _quiet;
    private readonly TimeProvider _time;
    private IndicatorState? _state;
    private DateTimeOffset _since;
    private DateTimeOffset? _onBatterySince;

    public IndicatorEngine(Func<IndicatorState> readState, StatusLed? led, Buzzer? buzzer, QuietHours? quiet, TimeProvider time)
    {
        _readState = readState;
        _led = led;
        _buzzer = buzzer;
        _quiet = quiet;
        _time = time;
    }

    public IndicatorState? State => _state;

    public void Update()
    {
        var now = _time.GetUtcNow();
        var state = _readState();
        if (state != _state)
        {
            var wasOnBattery = _onBatterySince is not null;
            _state = state;
            _since = now;
            if (state is IndicatorState.OnBattery or IndicatorState.ShutdownPending)
                _onBatterySince = wasOnBattery ? _onBatterySince : now;
            else if (state != IndicatorState.ShuttingDown)
                _onBatterySince = null;
        }
        _led?.Set(BlinkPattern.For(state).IsOnAt(now - _since));
        _buzzer?.Set(BuzzerOn(state, now));
    }

    /// <summary>LED and buzzer off (the gateway is stopping).</summary>
    public void Stop()
    {
        _led?.Set(false);
        _buzzer?.Set(false);
    }

    private bool BuzzerOn(IndicatorState state, DateTimeOffset now)
    {
        if (state == IndicatorState.ShuttingDown) return true;
        if (_onBatterySince is not { } since) return false;
        var elapsed = now - since;
        if (elapsed < BeepLength) return true;                         // power lost: always heard
        if (elapsed < BeepEvery) return false;
        if (TimeSpan.FromTicks(elapsed.Ticks % BeepEvery.Ticks) >= BeepLength) return false;
        return _quiet is null || !_quiet.Contains(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, _time.LocalTimeZone).DateTime));
    }
}
