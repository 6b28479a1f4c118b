using System.Globalization;
using System.Threading.Channels;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Shutdown.Restore;

/// <summary>
/// Keeps the record of the current outage from the protected UPS's readings (start, lowest charge, energy from the
/// battery, power back) and from the events of the shutdown (steps, shed machines, the power-cycle), and persists it.
/// A blink shorter than <c>policy.on_battery_delay</c> and a self-test (<c>CAL</c>) are not outages. When the outage
/// is over (<see cref="FinishAsync"/>) it goes to the history and one <c>outage_report</c> event says what happened.
/// </summary>
public sealed class OutageRecorder : BackgroundService
{
    /// <summary>During an outage the record is written at most this often (SD cards wear), and on every change of substance.</summary>
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(30);
    /// <summary>A gap between readings longer than this does not count as energy drawn (the gateway was not watching).</summary>
    private static readonly TimeSpan MaxEnergyGap = TimeSpan.FromSeconds(30);

    private readonly string? _deviceId;
    private readonly TimeSpan _onBatteryDelay;
    private readonly ReadingHub? _hub;
    private readonly EventBus _events;
    private readonly OutageRecordStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _saving = new(1, 1);
    private readonly Channel<OutageRecord> _toSave = Channel.CreateUnbounded<OutageRecord>(new UnboundedChannelOptions { SingleReader = true });
    private OutageRecord? _held;
    private TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _persisted;
    private long? _lastSaveAt;
    private DateTimeOffset? _lastObAt;
    private double? _onLineVoltage;
    private readonly Gateway.Battery.BatteryHealthStore? _health;
    private HubSubscription? _readings;
    private EventSubscription? _eventSub;

    /// <param name="health">Where a finished outage's battery health point is kept (null: not kept).</param>
    public OutageRecorder(string? deviceId, TimeSpan onBatteryDelay, ReadingHub? hub, EventBus events, OutageRecordStore store, TimeProvider time, ILogger log,
        Gateway.Battery.BatteryHealthStore? health = null)
    {
        _health = health;
        _deviceId = deviceId;
        _onBatteryDelay = onBatteryDelay;
        _hub = hub;
        _events = events;
        _store = store;
        _time = time;
        _log = log;
    }

    public OutageRecordStore Store => _store;

    /// <summary>The current record (set under <see cref="_gate"/>); setting one wakes <see cref="WhenOpenAsync"/>.</summary>
    private OutageRecord? Held
    {
        get => _held;
        set
        {
            _held = value;
            if (value is not null) _opened.TrySetResult();
        }
    }

    /// <summary>Completes when an outage record is open (at once if one is): what follows an outage waits here, not on a timer.</summary>
    public Task WhenOpenAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_held is not null) return Task.CompletedTask;
            if (_opened.Task.IsCompleted) _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
            return _opened.Task.WaitAsync(ct);
        }
    }

    public OutageRecord? Current { get { lock (_gate) return Held; } }

    /// <summary>Raised (outside the lock) after the record changed in substance.</summary>
    public event Action<OutageRecord>? Changed;

    /// <summary>Loads an outage interrupted by a restart or this host's poweroff (public for tests).</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        var loaded = await _store.LoadCurrentAsync(ct).ConfigureAwait(false);
        if (loaded is null) return;
        lock (_gate)
        {
            Held = loaded;
            _persisted = true;
        }
        var pending = loaded.Machines.Count(m => m.State == OutageMachine.Down);
        _log.LogWarning("Restored the outage that began {At:u}: {Count} machine(s) shut down or shed still to bring back", loaded.StartedAt, pending);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try { await LoadAsync(cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("Cannot read {Path}: {Error}; starting without the last outage", _store.CurrentPath, e.Message);
        }
        // Inline: a reading is bookkeeping in memory (no pool wake-up per reading); a save it makes due goes to the save loop.
        _readings = _hub?.Subscribe("outage-recorder", wants: e => e is ReadingPublished { Reading: UpsReading } && e.DeviceId == _deviceId, inline: true);
        _eventSub = _events.Subscribe("outage-recorder");
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var readings = _readings;
        using var events = _eventSub;
        var tasks = new List<Task>();
        if (readings is not null)
        {
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in readings.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                        if (e is ReadingPublished { Reading: UpsReading r } && r.DeviceId == _deviceId && Observe(r) is { } save) _toSave.Writer.TryWrite(save);
                }
                finally { _toSave.Writer.TryComplete(); }
            }, stoppingToken));
            // Not cancelled by the stop: a save that a reading made due is written before the service ends.
            tasks.Add(Task.Run(async () =>
            {
                await foreach (var save in _toSave.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    // Only the newest of the saves queued meanwhile is written.
                    var newest = save;
                    while (_toSave.Reader.TryRead(out var next)) newest = next;
                    await PersistAsync(newest).ConfigureAwait(false);
                }
            }, CancellationToken.None));
        }
        if (events is not null)
            tasks.Add(Task.Run(async () =>
            {
                await foreach (var e in events.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                    await OnEventAsync(e).ConfigureAwait(false);
            }, stoppingToken));
        try { await Task.WhenAll(tasks).ConfigureAwait(false); }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>One reading of the protected UPS (public for tests).</summary>
    public async Task ObserveAsync(UpsReading r)
    {
        if (Observe(r) is { } save) await PersistAsync(save).ConfigureAwait(false);
    }

    /// <summary>One reading, in memory: the record to save now, if one is due.</summary>
    private OutageRecord? Observe(UpsReading r)
    {
        if (r.Status.Has(UpsStatusFlags.CAL)) return null;
        OutageRecord? save = null;
        lock (_gate)
        {
            var charge = r.BatteryCharge;
            // The resting voltage the sag at the outage's start is measured against.
            if (r.Status is { OnLine: true, OnBattery: false } && Held is null && r.GetNumber(NutNames.BatteryVoltage) is { } volts) _onLineVoltage = volts;
            if (r.Status.OnBattery)
            {
                if (Held is null || (Held.EndedAt is null && Held.PowerBackAt is not null))
                {
                    Held = Held is null
                        ? new OutageRecord
                        {
                            StartedAt = r.Timestamp, StartCharge = charge, LowestCharge = charge, StartRuntime = r.BatteryRuntimeSeconds,
                            RestVoltage = _onLineVoltage, LoadVoltage = r.GetNumber(NutNames.BatteryVoltage), LoadWatts = OutputWatts(r),
                        }
                        : Held with { PowerBackAt = null };
                    _lastObAt = null;
                }
                var c = Held;
                if (_lastObAt is { } last && r.Timestamp - last is var gap && gap > TimeSpan.Zero && gap <= MaxEnergyGap)
                {
                    c = c with
                    {
                        SecondsOnBattery = c.SecondsOnBattery + gap.TotalSeconds,
                        BatteryWattHours = c.BatteryWattHours + (OutputWatts(r) ?? 0) * gap.TotalHours,
                    };
                }
                if (charge is { } ch && (c.LowestCharge is null || ch < c.LowestCharge)) c = c with { LowestCharge = ch };
                Held = c;
                _lastObAt = r.Timestamp;
                if (r.Timestamp - c.StartedAt >= _onBatteryDelay && (!_persisted || Due())) save = c;
            }
            else if (r.Status.OnLine && Held is { PowerBackAt: null, EndedAt: null } c)
            {
                _lastObAt = null;
                if (!_persisted && c.Machines.Count == 0 && c.Steps.Count == 0 && r.Timestamp - c.StartedAt < _onBatteryDelay)
                {
                    Held = null; // a blink, not an outage
                    return null;
                }
                save = Held = c with { PowerBackAt = r.Timestamp };
            }
        }
        return save;
    }

    /// <summary>One gateway event (public for tests): steps, shed machines, the power-cycle.</summary>
    public async Task OnEventAsync(GatewayEvent e)
    {
        // A rehearsal's steps go on the timeline (outcome dry_run), but it shuts nothing down and sets no trigger.
        var dry = e.Data?.GetValueOrDefault("dry_run") == "true";
        Func<OutageRecord, OutageRecord>? change = e.Kind switch
        {
            EventKinds.TriggerFired when !dry => r => r with { Trigger = e.Data?.GetValueOrDefault("trigger") ?? r.Trigger },
            EventKinds.TriggerFired => r => r.WithStep(new OutageStep("trigger:" + (e.Data?.GetValueOrDefault("trigger") ?? "?"), ShutdownOutcomes.DryRun, e.At, 0, e.Message)),
            EventKinds.ShutdownStep when e.Data is { } d => r => AddStep(r, e.At, d),
            EventKinds.UpsPowerCycle => r => (r with { PowerCycle = e.Data?.GetValueOrDefault("status") == "ok" ? "sent" : "failed" })
                .WithStep(new OutageStep("ups_power_cycle", e.Data?.GetValueOrDefault("status") ?? "?", e.At, 0, e.Message)),
            _ => null,
        };
        if (change is null) return;
        await UpdateAsync(change, startIfNone: e.At).ConfigureAwait(false);
    }

    /// <summary>A machine shed by a shedding stage (called by the shedder itself, not from the bus, so it is recorded before its next step).</summary>
    public async Task RecordShedAsync(GatewayEvent e)
    {
        if (e.Kind != EventKinds.LoadShed || e.Data is not { } d) return;
        var step = new OutageStep("shed:" + d["name"], d.GetValueOrDefault("outcome") ?? "?", e.At, Seconds(d), e.Message);
        // A rehearsed shed goes on the timeline only: nothing is down, nothing to wake.
        await UpdateAsync(d.GetValueOrDefault("shed") == "false" || d.GetValueOrDefault("dry_run") == "true"
            ? r => r.WithStep(step)
            : r => r.WithMachine(new OutageMachine(d["name"], d["kind"], OutageMachine.Shed, e.At)).WithStep(step), startIfNone: e.At).ConfigureAwait(false);
    }

    private static OutageRecord AddStep(OutageRecord r, DateTimeOffset at, IReadOnlyDictionary<string, string> d)
    {
        var step = d.GetValueOrDefault("step") ?? "?";
        var outcome = d.GetValueOrDefault("outcome") ?? "?";
        r = r.WithStep(new OutageStep(step, outcome, at, Seconds(d), d.GetValueOrDefault("detail")));
        if (step.StartsWith("ssh:", StringComparison.Ordinal) && outcome is ShutdownOutcomes.Ok or ShutdownOutcomes.Timeout)
            r = r.WithMachine(new OutageMachine(step[4..], OutageMachine.Host, OutageMachine.ShutDown, at));
        if (step == "power_cycle" && outcome == ShutdownOutcomes.Ok) r = r with { PowerCycle = "armed" };
        return r;
    }

    private static double Seconds(IReadOnlyDictionary<string, string> d) =>
        double.TryParse(d.GetValueOrDefault("seconds"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 0;

    /// <summary>Changes the current record and persists it (starting one at <paramref name="startIfNone"/> when there is none).</summary>
    public async Task UpdateAsync(Func<OutageRecord, OutageRecord> change, DateTimeOffset? startIfNone = null)
    {
        OutageRecord updated;
        lock (_gate)
        {
            if (Held is null)
            {
                if (startIfNone is not { } at) return;
                Held = new OutageRecord { StartedAt = at };
            }
            updated = Held = change(Held);
        }
        await PersistAsync(updated).ConfigureAwait(false);
        Changed?.Invoke(updated);
    }

    /// <summary>The outage is over: it goes to the history, the current record is cleared and the report is published.</summary>
    public async Task<OutageRecord?> FinishAsync()
    {
        OutageRecord finished;
        lock (_gate)
        {
            if (Held is null) return null;
            finished = Held with { EndedAt = _time.GetUtcNow() };
            Held = null;
            _persisted = false;
            _lastObAt = null;
        }
        await _saving.WaitAsync().ConfigureAwait(false);
        try
        {
            await _store.AppendHistoryAsync(finished, CancellationToken.None).ConfigureAwait(false);
            _store.ClearCurrent();
            if (_health is not null && Gateway.Battery.BatteryHealthPoint.From(finished) is { } point)
                await _health.AppendAsync(point, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("Cannot write the outage history {Path}: {Error}", _store.HistoryPath, e.Message);
        }
        finally { _saving.Release(); }
        var report = OutageReport.Build(finished);
        _events.Publish(new GatewayEvent(_time.GetUtcNow(), EventKinds.OutageReport, report.Severity, report.Message, _deviceId, report.Data));
        return finished;
    }

    private bool Due() => _lastSaveAt is not { } last || _time.GetElapsedTime(last) >= SaveInterval;

    private async Task PersistAsync(OutageRecord record)
    {
        await _saving.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                // Finished (or replaced) while waiting: do not bring a stale record back.
                if (!ReferenceEquals(Held, record) && Held is null) return;
                _persisted = true;
                _lastSaveAt = _time.GetTimestamp();
            }
            await _store.SaveCurrentAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("Cannot save the outage record to {Path}: {Problem}", _store.CurrentPath, Gateway.Storage.StorageProblem.DescribeStateFile(e, _store.CurrentPath));
        }
        finally { _saving.Release(); }
    }

    /// <summary>The UPS output power: ups.realpower, else ups.load × ups.realpower.nominal.</summary>
    private static double? OutputWatts(UpsReading r) =>
        r.GetNumber(NutNames.UpsRealPower) ?? (r.Load is { } load && r.GetNumber(NutNames.UpsRealPowerNominal) is { } nominal ? load / 100 * nominal : null);

    public override void Dispose()
    {
        _saving.Dispose();
        base.Dispose();
    }
}
