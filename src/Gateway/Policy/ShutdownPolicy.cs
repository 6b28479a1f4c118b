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

    private readonly PolicyOptions _options;
    private readonly TimeSpan _pollInterval;
    private readonly string _deviceId;
    private readonly bool _dryRun;
    private readonly IReadOnlyList<IShutdownTrigger> _triggers;
    private readonly BatteryHistory _history = new();

    private UpsReading? _last;
    private TimeSpan? _lastDataAt;
    private TimeSpan? _outageSince;
    private DateTimeOffset? _outageSinceWall;
    private bool _confirmed;
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
        _status = new PolicyStatus(PolicyState.Normal, deviceId, null, null, null, "waiting for the first reading", null, dryRun);
    }

    public PolicyStatus Status => _status;
    public PolicyState State => _state;
    public TriggerHit? FiredTrigger => _fired;
    public bool PointOfNoReturnPassed => _pointOfNoReturn;
    public BatteryHistory History => _history;

    public PolicyDecision Evaluate(PolicyObservation o)
    {
        var now = o.Monotonic;
        string? message = null;
        var action = PolicyAction.None;
        TriggerHit? hit = null;

        if (o.Reading is { } r && o.Link == LinkState.Connected)
        {
            _last = r;
            _lastDataAt = now;
            var onBattery = r.Status.OnBattery && !r.Status.Has(UpsStatusFlags.CAL);
            if (onBattery)
            {
                if (_outageSince is null)
                {
                    _outageSince = now;
                    _outageSinceWall = o.Wall;
                    _history.Clear();
                }
                if (r.BatteryCharge is { } charge) _history.Add(now, charge);
            }
            else
            {
                message = PowerPresent(r, now, ref action);
            }
        }

        if (_outageSince is { } since && !_confirmed && now - since >= _options.OnBatteryDelay)
        {
            _confirmed = true;
            if (_state == PolicyState.Normal)
            {
                _state = PolicyState.OnBattery;
                message = $"on battery for {Duration.Format(_options.OnBatteryDelay)} or more: watching the battery ({Describe(_last)})";
            }
        }

        _history.Prune(now, _options.DepletionWindow);
        var context = Context(now);

        if (_fired is null && _state is PolicyState.Normal or PolicyState.OnBattery)
        {
            foreach (var t in _triggers)
            {
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
    public PolicyMemory Remember(TimeSpan monotonicNow, DateTimeOffset wallNow) =>
        new(wallNow, _outageSinceWall, _history.Samples.Select(s => new PolicyMemorySample(wallNow - (monotonicNow - s.At), s.Charge)).ToArray());

    /// <summary>
    /// Restores memory saved before a restart. Anything from the future (the clock went backwards) or older than the
    /// window is dropped; an outage start older than a day is not believed. The outage continues only if the first
    /// fresh reading still shows the UPS on battery.
    /// </summary>
    public void Restore(PolicyMemory memory, TimeSpan monotonicNow, DateTimeOffset wallNow)
    {
        if (memory.OnBatterySince is not { } since) return;
        var age = wallNow - since;
        if (age < TimeSpan.Zero || age > TimeSpan.FromDays(1)) return;
        _outageSince = monotonicNow - age;
        _outageSinceWall = since;
        _history.Clear();
        foreach (var s in memory.Samples.OrderBy(s => s.At))
        {
            var sampleAge = wallNow - s.At;
            if (sampleAge < TimeSpan.Zero || sampleAge > _options.DepletionWindow) continue;
            _history.Add(monotonicNow - sampleAge, s.Charge);
        }
    }

    private string? PowerPresent(UpsReading r, TimeSpan now, ref PolicyAction action)
    {
        var wasOutage = _outageSince is not null;
        _outageSince = null;
        _outageSinceWall = null;
        _confirmed = false;
        _history.Clear();
        var why = r.Status.Has(UpsStatusFlags.CAL) && r.Status.OnBattery ? "self-test (CAL), not a power failure" : "power is back";

        switch (_state)
        {
            case PolicyState.OnBattery:
                _state = PolicyState.Normal;
                return $"{why} ({Describe(r)})";
            case PolicyState.ShutdownPending when _fired?.Name == "fsd" && r.Status.Has(UpsStatusFlags.FSD):
                return null;
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
        _confirmed,
        _outageSince is { } s ? now - s : null,
        _lastDataAt is { } d ? now - d : null,
        _outageSince is { } start
            ? _history.DepletionRate(now, _options.DepletionWindow, TimeSpan.FromTicks(Math.Min(MinimumDepletionSpan.Ticks, _options.DepletionWindow.Ticks / 2)), start + _options.DepletionGrace)
            : null);

    private PolicyStatus BuildStatus(TriggerContext c, PolicyObservation o, string? message)
    {
        string? next = null;
        TimeSpan? eta = null;
        if (_state == PolicyState.OnBattery)
        {
            foreach (var t in _triggers)
            {
                if (t.EstimateTimeToFire(c) is not { } e) continue;
                if (eta is null || e < eta) { eta = e; next = t.Name; }
            }
        }
        var since = _outageSince is null ? (DateTimeOffset?)null : _outageSinceWall;
        return new PolicyStatus(
            _state,
            _deviceId,
            since,
            next,
            eta,
            message ?? _status.LastDecision,
            message is null ? _status.LastDecisionAt : o.Wall,
            _dryRun);
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
