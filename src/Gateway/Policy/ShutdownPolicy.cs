using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Policy.Triggers;

namespace Gateway.Policy;

/// <summary>
/// Decides when the protected UPS's battery will not last: readings and time in, decision out, no I/O. The runner
/// feeds it every reading of the protected UPS and a clock tick; it answers with a <see cref="PolicyDecision"/> and
/// keeps a <see cref="PolicyStatus"/>. Durations use the monotonic clock, so a wall-clock jump (NTP after a boot
/// without RTC) neither fires nor delays a trigger.
/// </summary>
public sealed class ShutdownPolicy
{
    /// <summary>The least span of samples the depletion rate needs, so two readings a second apart do not make a rate.</summary>
    public static readonly TimeSpan MinimumDepletionSpan = TimeSpan.FromSeconds(30);

    private PolicyOptions _options;
    private TimeSpan _pollInterval;
    private readonly string _deviceId;
    private bool _dryRun;
    private readonly IReadOnlyList<IShutdownTrigger> _triggers;
    private readonly BatteryHistory _history = new();

    private UpsReading? _last;
    private double? _charge;
    private TimeSpan? _runtime;
    private TimeSpan? _lastDataAt;
    private TimeSpan? _outageSince;
    private DateTimeOffset? _outageSinceWall;
    private int _outageReadings;
    private bool _confirmed;
    private bool _restoredOutage;
    /// <summary>
    /// Restored after a restart and no fresh reading since except OL ones: the power may have come back while the
    /// gateway was down, so nothing fires on the restored evidence alone (max_time_on_battery would, at once, after
    /// a long stop); link_lost still fires if no data comes at all.
    /// </summary>
    private bool _restoredUnseen;
    private int _onLineStreak;
    private readonly int[] _streaks;
    private readonly ChargeMedian _chargeMedian = new();
    private PolicyState _state = PolicyState.Normal;
    private TriggerHit? _fired;
    private bool _pointOfNoReturn;
    private bool _sequenceFinished;
    private bool _powerBackAnnounced;
    private PolicyStatus _status;

    public ShutdownPolicy(PolicyOptions options, string deviceId, TimeSpan pollInterval, bool dryRun = false)
    {
        _options = options;
        _deviceId = deviceId;
        _pollInterval = pollInterval > TimeSpan.Zero ? pollInterval : TimeSpan.FromSeconds(2);
        _dryRun = dryRun;
        _triggers =
        [
            new FsdTrigger(), new LowChargeTrigger(), new LowRuntimeTrigger(), new DepletionRateTrigger(),
            new MaxTimeOnBatteryTrigger(), new LinkLostTrigger(), new UpsLowBatteryTrigger(),
        ];
        _streaks = new int[_triggers.Count];
        _status = new PolicyStatus(PolicyState.Normal, deviceId, null, null, null, WaitingForFirstReading, null, dryRun);
    }

    public PolicyStatus Status => _status;

    private const string WaitingForFirstReading = "waiting for the first reading";

    /// <summary>
    /// New thresholds, delays and dry-run setting, keeping everything observed so far (battery history, streaks).
    /// The runner calls it only while the policy is normal and no outage is in progress, so it never re-arms,
    /// cancels or fires anything by itself; the next evaluation uses the new settings.
    /// </summary>
    public void Reconfigure(PolicyOptions options, TimeSpan pollInterval, bool dryRun)
    {
        _options = options;
        _pollInterval = pollInterval > TimeSpan.Zero ? pollInterval : TimeSpan.FromSeconds(2);
        _dryRun = dryRun;
        _status = _status with { DryRun = dryRun };
    }
    public PolicyState State => _state;
    public TriggerHit? FiredTrigger => _fired;
    public bool PointOfNoReturnPassed => _pointOfNoReturn;
    public BatteryHistory History => _history;
    /// <summary>The outage is confirmed (fresh OB readings spanning <c>on_battery_delay</c>, or restored after a restart).</summary>
    public bool OutageConfirmed => _confirmed;
    /// <summary>An outage is in progress (confirmed or not).</summary>
    public bool InOutage => _outageSince is not null;

    public PolicyDecision Evaluate(PolicyObservation o)
    {
        var now = o.Monotonic;
        string? message = null;
        var action = PolicyAction.None;
        TriggerHit? hit = null;
        var fresh = o.Reading is { } r0 && o.Link == LinkState.Connected && r0.IsFresh(o.Wall) ? r0 : null;

        if (fresh is { } r)
        {
            _last = r;
            _lastDataAt = now;
            _runtime = ReadingEvidence.Runtime(r);
            var charge = ReadingEvidence.Charge(r);
            _charge = charge is { } raw ? _chargeMedian.Add(raw) : null;
            var evidence = ReadingEvidence.Power(r.Status, o.SelfTest);
            if (evidence != PowerEvidence.OnLine) _restoredUnseen = false;
            switch (evidence)
            {
                case PowerEvidence.OnBattery:
                    _onLineStreak = 0;
                    if (_outageSince is null)
                    {
                        _outageSince = now;
                        _outageSinceWall = o.Wall;
                        _outageReadings = 0;
                        _history.Clear();
                    }
                    _outageReadings++;
                    if (!_confirmed && now - _outageSince.Value >= _options.OnBatteryDelay)
                    {
                        _confirmed = true;
                        if (_state == PolicyState.Normal)
                        {
                            _state = PolicyState.OnBattery;
                            message = $"on battery for {Duration.Format(_options.OnBatteryDelay)} or more: watching the battery ({Describe(r)})";
                        }
                    }
                    if (_charge is { } c) _history.Add(now, c);
                    break;
                case PowerEvidence.OnLine:
                    _onLineStreak++;
                    // Before an outage is confirmed one OL reading ends it (the delay starts again at the next OB);
                    // a confirmed outage, or a shutdown under way, ends only on power_back_readings in a row.
                    var needed = _confirmed || _restoredOutage || _fired is not null ? _options.PowerBackReadings : 1;
                    if (_onLineStreak >= needed) message = PowerPresent(r, ref action);
                    break;
                default:
                    _onLineStreak = 0;
                    break;
            }
        }

        _history.Prune(now, _options.DepletionWindow);
        var context = Context(now);
        if (fresh is not null) CountConditions(context);

        if (_fired is null && _state is PolicyState.Normal or PolicyState.OnBattery)
        {
            for (var i = 0; i < _triggers.Count; i++)
            {
                var t = _triggers[i];
                if (t.CountsReadings && _streaks[i] < _options.TriggerReadings) continue;
                hit = t.Check(context);
                if (hit is null) continue;
                _fired = hit;
                _state = PolicyState.ShutdownPending;
                action = PolicyAction.StartShutdown;
                message = $"trigger {hit.Name}: {hit.Reason}";
                break;
            }
        }

        _status = BuildStatus(context, o, message);
        return new PolicyDecision(action, hit, message, _status);
    }

    /// <summary>
    /// Counts, per trigger that judges readings, the fresh readings in a row that meet its condition as if the
    /// outage were already confirmed (so a runtime that is already short fires as soon as it is).
    /// </summary>
    private void CountConditions(TriggerContext context)
    {
        var asIfConfirmed = context with { OnBattery = _outageSince is not null };
        for (var i = 0; i < _triggers.Count; i++)
        {
            if (!_triggers[i].CountsReadings) continue;
            _streaks[i] = _triggers[i].Check(asIfConfirmed) is null ? 0 : _streaks[i] + 1;
        }
    }

    /// <summary>The sequence passed its point of no return: power coming back no longer cancels it.</summary>
    public PolicyDecision MarkPointOfNoReturn(DateTimeOffset wall)
    {
        if (_pointOfNoReturn) return new PolicyDecision(PolicyAction.None, null, null, _status);
        _pointOfNoReturn = true;
        _state = PolicyState.ShuttingDown;
        const string message = "the shutdown sequence passed its point of no return";
        _status = _status with { State = _state, LastDecision = message, LastDecisionAt = wall };
        return new PolicyDecision(PolicyAction.None, null, message, _status);
    }

    /// <summary>The sequence ran to its end (in a dry run the process goes on): back to normal once power returns.</summary>
    public void MarkSequenceFinished() => _sequenceFinished = true;

    /// <summary>After a restart in the middle of a sequence: the trigger has fired already and must not fire again.</summary>
    public void RestoreShutdown(TriggerHit trigger, bool pointOfNoReturnPassed, DateTimeOffset wall)
    {
        _fired = trigger;
        _pointOfNoReturn = pointOfNoReturnPassed;
        _state = pointOfNoReturnPassed ? PolicyState.ShuttingDown : PolicyState.ShutdownPending;
        _status = _status with { State = _state, LastDecision = $"resuming the shutdown started by {trigger.Name}: {trigger.Reason}", LastDecisionAt = wall };
    }

    /// <summary>What to persist so a restart in an outage keeps the outage start and the depletion history.</summary>
    public PolicyMemory Remember(TimeSpan monotonicNow, DateTimeOffset wallNow)
    {
        // A loop, not Select: LINQ over the BatterySample struct is generic code of its own in the native binary.
        var samples = _history.Samples;
        var remembered = new PolicyMemorySample[samples.Count];
        for (var i = 0; i < remembered.Length; i++) remembered[i] = new(wallNow - (monotonicNow - samples[i].At), samples[i].Charge);
        return new(wallNow, _outageSinceWall, remembered, _confirmed);
    }

    /// <summary>
    /// Restores memory saved before a restart. Anything from the future (the clock went backwards) or older than the
    /// window is dropped; an outage start older than a day is not believed. The outage goes on until
    /// <c>power_back_readings</c> fresh OL readings end it, and the failsafe clock starts now: if the link never
    /// comes back, <c>link_lost</c> still fires <c>link_lost_after</c> from the restart.
    /// </summary>
    public void Restore(PolicyMemory memory, TimeSpan monotonicNow, DateTimeOffset wallNow)
    {
        if (memory.OnBatterySince is not { } since) return;
        var age = wallNow - since;
        if (age < TimeSpan.Zero || age > TimeSpan.FromDays(1)) return;
        _outageSince = monotonicNow - age;
        _outageSinceWall = since;
        _outageReadings = 1;
        _restoredOutage = true;
        _restoredUnseen = true;
        _lastDataAt = monotonicNow;
        if (memory.Confirmed || age >= _options.OnBatteryDelay)
        {
            _confirmed = true;
            if (_state == PolicyState.Normal) _state = PolicyState.OnBattery;
        }
        _status = _status with
        {
            State = _state,
            OnBatterySince = since,
            LastDecision = $"restored the outage in progress since {since:u} after a restart; the link_lost failsafe counts from the restart",
            LastDecisionAt = wallNow,
        };
        _history.Clear();
        foreach (var s in memory.Samples.OrderBy(s => s.At))
        {
            var sampleAge = wallNow - s.At;
            if (sampleAge < TimeSpan.Zero || sampleAge > _options.DepletionWindow) continue;
            // A charge no reading could have had (a hand-edited or damaged file) would bend the depletion rate.
            if (!double.IsFinite(s.Charge) || s.Charge is < 0 or > 100) continue;
            _history.Add(monotonicNow - sampleAge, s.Charge);
        }
    }

    private string? PowerPresent(UpsReading r, ref PolicyAction action)
    {
        var wasOutage = _outageSince is not null;
        _outageSince = null;
        _outageSinceWall = null;
        _outageReadings = 0;
        _confirmed = false;
        _restoredOutage = false;
        _restoredUnseen = false;
        _history.Clear();
        _chargeMedian.Clear();
        if (wasOutage) Array.Clear(_streaks);
        var why = "power is back";
        // FSD is an order that stands while the UPS or the primary keeps it set: line power does not end it.
        if (_fired?.Name == "fsd" && r.Status.Has(UpsStatusFlags.FSD)) return null;

        switch (_state)
        {
            case PolicyState.OnBattery:
                _state = PolicyState.Normal;
                return $"{why} ({Describe(r)})";
            case PolicyState.ShutdownPending when !_pointOfNoReturn:
                _state = PolicyState.Normal;
                var trigger = _fired;
                _fired = null;
                _powerBackAnnounced = false;
                if (_sequenceFinished)
                {
                    _sequenceFinished = false;
                    return $"{why} after the (dry-run) shutdown sequence finished; back to normal";
                }
                action = PolicyAction.CancelShutdown;
                return $"{why} before the point of no return: shutdown ({trigger?.Name}) cancelled";
            case PolicyState.ShuttingDown:
                if (_sequenceFinished)
                {
                    _state = PolicyState.Normal;
                    _fired = null;
                    _pointOfNoReturn = false;
                    _sequenceFinished = false;
                    return $"{why} after the (dry-run) shutdown sequence finished; back to normal";
                }
                if (_powerBackAnnounced) return null;
                _powerBackAnnounced = true;
                return $"{why} after the point of no return: the shutdown goes on";
            default:
                return wasOutage ? $"{why} within {Duration.Format(_options.OnBatteryDelay)} (a blip): nothing to do" : null;
        }
    }

    private TriggerContext Context(TimeSpan now) => new(
        _options,
        _pollInterval,
        _last,
        _confirmed && !_restoredUnseen,
        _outageSince is { } s ? now - s : null,
        _lastDataAt is { } d ? now - d : null,
        _outageSince is { } start
            ? _history.DepletionRate(now, _options.DepletionWindow, TimeSpan.FromTicks(Math.Min(MinimumDepletionSpan.Ticks, _options.DepletionWindow.Ticks / 2)), start + _options.DepletionGrace)
            : null,
        _charge,
        _runtime,
        FailsafeArmed: _confirmed || _restoredOutage || _outageReadings >= 2);

    private PolicyStatus BuildStatus(TriggerContext c, PolicyObservation o, string? message)
    {
        string? next = null;
        TimeSpan? eta = null;
        if (_state == PolicyState.OnBattery || (_state == PolicyState.Normal && c.FailsafeArmed))
        {
            foreach (var t in _triggers)
            {
                if (t.EstimateTimeToFire(c) is not { } e) continue;
                if (eta is null || e < eta) { eta = e; next = t.Name; }
            }
        }
        var since = _outageSince is null ? (DateTimeOffset?)null : _outageSinceWall;
        var failsafe = _fired is null && _triggers.OfType<LinkLostTrigger>().First().EstimateTimeToFire(c) is { } left ? o.Wall + left : (DateTimeOffset?)null;
        return new PolicyStatus(
            _state,
            _deviceId,
            since,
            next,
            eta,
            message ?? (_status.LastDecision == WaitingForFirstReading && _last is not null ? "watching the UPS: readings arrive" : _status.LastDecision),
            message is null ? _status.LastDecisionAt : o.Wall,
            _dryRun,
            failsafe,
            _runtime is { } rt ? Math.Round(rt.TotalSeconds) : null,
            _last is { } l && Gateway.Readings.RuntimeEstimator.IsEstimate(l));
    }

    private static string Describe(UpsReading? r)
    {
        if (r is null) return "no reading";
        var parts = new List<string>(3) { r.Status.ToString() };
        if (r.BatteryCharge is { } c) parts.Add($"battery {c:0}%");
        if (r.BatteryRuntimeSeconds is { } s) parts.Add($"runtime {Duration.Format(TimeSpan.FromSeconds(Math.Round(s)))}");
        return string.Join(", ", parts);
    }
}
