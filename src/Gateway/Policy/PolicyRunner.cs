using System.Globalization;
using Gateway.Battery;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Threading;
using Gateway.Hosting;
using Gateway.NutServer;
using Gateway.Readings;
using Gateway.Shutdown;
using Gateway.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Policy;

/// <summary>
/// Feeds the <see cref="ShutdownPolicy"/> from the hub (every reading and link change of the protected UPS, plus a
/// one-second tick), acts on its decisions (start or cancel the <see cref="ShutdownSequence"/>), keeps the battery
/// history on disk during an outage, and resumes a sequence interrupted by a restart.
/// </summary>
public sealed class PolicyRunner : BackgroundService, IPolicyStatusSource
{
    public static readonly TimeSpan TickInterval = SecondTick.Interval;
    /// <summary>How often the battery history is written during an outage (SD cards wear).</summary>
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(30);

    private readonly string _deviceId;
    private readonly GatewayConfig _config;
    private bool _dryRun;
    private (PolicyOptions Policy, TimeSpan PollInterval, bool DryRun)? _pendingSettings;
    private readonly ReadingHub _hub;
    private readonly EventBus _events;
    private readonly ShutdownSequence _sequence;
    private readonly ShutdownStateStore _shutdownStore;
    private readonly PolicyMemoryStore _memoryStore;
    private readonly TimeProvider _time;
    private readonly ILogger<PolicyRunner> _log;
    private readonly IFsdSignal? _fsd;
    private readonly ShutdownPolicy _policy;
    private readonly long _origin;
    private readonly Lock _gate = new();
    private CancellationTokenSource? _cancelSequence;
    private Task? _sequenceTask;
    private long? _lastSaveAt;
    private bool _outageSaved;
    private bool _savedConfirmed;
    private int _saving;
    private bool _toldNoRuntime;
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The name this loop beats under for the systemd watchdog.</summary>
    public const string LoopName = "policy";
    private readonly ILoopHeartbeat? _heartbeat;
    private readonly BatterySelfTestWindow? _selfTest;
    private readonly SecondTick _tick;

    /// <param name="fsd">The NUT server's FSD latch, lifted when a shutdown is cancelled or power comes back (null without a NUT server).</param>
    /// <param name="tick">The shared 1 s tick (its own when null): one timer firing a second for the policy, the reading
    /// freshness and Home Assistant instead of two at their own phases.</param>
    public PolicyRunner(GatewayConfig config, ReadingHub hub, EventBus events, ShutdownSequence sequence, TimeProvider time, ILogger<PolicyRunner> log,
        ILoopHeartbeat? heartbeat = null, IFsdSignal? fsd = null, BatterySelfTestWindow? selfTest = null, SecondTick? tick = null)
    {
        _tick = tick ?? new SecondTick(time, log);
        _selfTest = selfTest;
        _heartbeat = heartbeat;
        _fsd = fsd;
        var ups = config.ProtectedUps ?? throw new InvalidOperationException("no UPS to protect");
        _config = config;
        _deviceId = ups.Id;
        _dryRun = config.Shutdown.DryRun;
        _hub = hub;
        _events = events;
        _sequence = sequence;
        _time = time;
        _log = log;
        _shutdownStore = new ShutdownStateStore(config.Gateway.DataDir, log);
        _memoryStore = new PolicyMemoryStore(config.Gateway.DataDir, log);
        _policy = new ShutdownPolicy(config.Policy, ups.Id, ups.PollInterval, _dryRun);
        _origin = time.GetTimestamp();
    }

    public PolicyStatus Current
    {
        get { lock (_gate) return _policy.Status; }
    }

    /// <summary>
    /// New policy settings (<c>policy</c>, <c>shutdown.dry_run</c>, the protected UPS's poll interval), applied at
    /// once while the policy is normal and no outage is in progress. During an outage or a shutdown sequence they
    /// wait until the policy is back to normal: the outage in progress ends under the rules it started with, and
    /// nothing is cancelled, restarted or re-armed by an apply. Returns true when applied now.
    /// </summary>
    public bool Reconfigure(PolicyOptions policy, TimeSpan pollInterval, bool dryRun)
    {
        lock (_gate)
        {
            _pendingSettings = (policy, pollInterval, dryRun);
            if (ApplyPendingSettings()) return true;
            _log.LogWarning("Policy [{Device}]: new policy settings arrived while the policy is {State}; they apply once power is back and the policy is normal",
                _deviceId, PolicyStatus.StateName(_policy.State));
            return false;
        }
    }

    /// <summary>Whether new settings wait for the outage (or the sequence) to end.</summary>
    public bool SettingsPending
    {
        get { lock (_gate) return _pendingSettings is not null; }
    }

    /// <summary>Under the lock: applies waiting settings if the policy is normal, out of any outage, with no sequence running.</summary>
    private bool ApplyPendingSettings()
    {
        if (_pendingSettings is not { } s) return false;
        if (_policy.State != PolicyState.Normal || _policy.InOutage || _sequenceTask is { IsCompleted: false }) return false;
        _policy.Reconfigure(s.Policy, s.PollInterval, s.DryRun);
        _dryRun = s.DryRun;
        _pendingSettings = null;
        _log.LogInformation("Policy [{Device}]: new settings applied{DryRun}", _deviceId, s.DryRun ? " (dry run)" : "");
        return true;
    }

    /// <summary>The running (or last) sequence, for tests and a clean stop.</summary>
    public Task? SequenceTask => _sequenceTask;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RestoreAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads the battery history and any interrupted sequence (public for tests).</summary>
    public async Task RestoreAsync(CancellationToken ct)
    {
        // Protection must start whatever the state files hold: anything they can do wrong is logged, never fatal.
        try { await RestoreCoreAsync(ct).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.LogError("Could not restore the policy state from {Memory} and {Progress} ({Error}: {Message}); the gateway starts without it. Look at the files and delete them if they are damaged",
                _memoryStore.FilePath, _shutdownStore.FilePath, e.GetType().Name, e.Message);
        }
    }

    private async Task RestoreCoreAsync(CancellationToken ct)
    {
        var memory = await _memoryStore.LoadAsync(ct).ConfigureAwait(false);
        var progress = await _shutdownStore.LoadAsync(ct).ConfigureAwait(false);
        ShutdownProgress? interrupted = null;
        lock (_gate)
        {
            if (memory is not null)
            {
                _policy.Restore(memory, Monotonic, _time.GetUtcNow());
                if (_policy.InOutage)
                    _log.LogWarning("Restored an outage in progress since {Since:u} with {Count} battery sample(s); if no data comes from the UPS, the link_lost failsafe fires at {At:u} (policy.link_lost_after from now)",
                        memory.OnBatterySince, _policy.History.Samples.Count, _time.GetUtcNow() + _config.Policy.LinkLostAfter);
            }
            if (progress is { InProgress: true } && progress.FromAnotherBoot(BootId.Current))
            {
                _log.LogWarning("A shutdown sequence ({Trigger}) started at {At:u} was interrupted by a reboot after {Count} step(s); not resuming it in this boot",
                    progress.Trigger, progress.StartedAt, progress.Completed.Count);
                interrupted = progress with { Cancelled = true };
            }
            else if (progress is { InProgress: true })
            {
                if (_dryRun && !progress.DryRun)
                    _log.LogWarning("The interrupted shutdown sequence ({Trigger}) was a real one, but shutdown.dry_run is on (or demo mode): it resumes as a dry run", progress.Trigger);
                progress = progress with { DryRun = progress.DryRun || _dryRun };
                _policy.RestoreShutdown(new TriggerHit(progress.Trigger, progress.Reason), progress.PointOfNoReturnPassed, _time.GetUtcNow());
                _log.LogCritical("A shutdown sequence ({Trigger}) was interrupted by a restart after {Count} step(s); resuming it", progress.Trigger, progress.Completed.Count);
                StartSequence(new TriggerHit(progress.Trigger, progress.Reason), progress);
            }
            else if (progress is { Finished: true })
            {
                _log.LogInformation("The last shutdown sequence ({Trigger}{Dry}) finished at {At:u} (clear with: gateway shutdown --reset)",
                    progress.Trigger, progress.DryRun ? ", dry run" : "", progress.FinishedAt);
            }
        }
        if (interrupted is not null)
        {
            try { await _shutdownStore.SaveAsync(interrupted, ct).ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.LogWarning("Cannot update {Path}: {Problem}", _shutdownStore.FilePath, StorageProblem.DescribeStateFile(e, _shutdownStore.FilePath));
            }
        }
    }

    /// <summary>
    /// How long the policy's thread waits for the shared tick before it ticks by itself: a subscriber that held the
    /// tick's thread must not stop the time-based triggers (time on battery, link lost on battery).
    /// </summary>
    public static readonly TimeSpan FallbackTick = 2 * TickInterval;

    /// <summary>
    /// The policy runs on a thread of its own that sleeps on one <see cref="WakeSignal"/>: a reading of the protected UPS,
    /// a link change and the shared 1 s tick each set it directly, so an event is one wake-up of this thread (on the thread
    /// pool it woke two or three pool threads and kept the pool's gate thread sampling). It never waits behind other work.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => OwnThread.Run("policy", () =>
    {
        try
        {
            Run(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    });

    private void Run(CancellationToken stoppingToken)
    {
        using var wake = new WakeSignal();
        using var sub = _hub.Subscribe("policy", wants: e => e.DeviceId == _deviceId, wake: wake.Set);
        // The tick only flags a tick and wakes this thread (a tick missed while the policy works is absorbed, as a
        // PeriodicTimer does): the policy runs here, never on the tick's thread, and waits for no other subscriber's work.
        var tickDue = 0;
        using var every = _tick.Subscribe("policy tick", () =>
        {
            Volatile.Write(ref tickDue, 1);
            wake.Set();
            return Task.CompletedTask;
        });
        using var stopping = stoppingToken.Register(wake.Set);
        if (_hub.Get(_deviceId)?.Latest is UpsReading first) Handle(new ReadingPublished(first));
        while (!stoppingToken.IsCancellationRequested)
        {
            _heartbeat?.Beat(LoopName);
            while (sub.Reader.TryRead(out var e)) Handle(e);
            if (sub.Reader.Completion.IsCompleted) break;
            if (Interlocked.Exchange(ref tickDue, 0) == 1) Tick();
            if (!wake.Wait(FallbackTick) && !stoppingToken.IsCancellationRequested) Tick();
        }
    }

    /// <summary>Feeds one hub event (public for tests).</summary>
    public PolicyDecision? Handle(HubEvent e)
    {
        if (e.DeviceId != _deviceId) return null;
        return e switch
        {
            ReadingPublished { Reading: UpsReading r } => ApplyReading(r),
            LinkStateChanged l => Apply(new PolicyObservation(Monotonic, _time.GetUtcNow(), null, l.Current)),
            _ => null,
        };
    }

    private PolicyDecision ApplyReading(UpsReading r)
    {
        if (!_toldNoRuntime && r.BatteryRuntimeSeconds is null && ReadingEvidence.Power(r.Status) != PowerEvidence.Unknown)
        {
            _toldNoRuntime = true;
            _log.LogWarning("Policy [{Device}]: the UPS reports no battery.runtime and the gateway cannot estimate one (the device has no runtimecal, or the UPS sends no battery.charge and ups.load), so policy.critical_runtime cannot fire; low_battery_percent, critical_depletion_rate, max_time_on_battery and the UPS's own LB still protect. Fix: set runtimecal: RUNTIME_HIGH,LOAD_HIGH,RUNTIME_LOW,LOAD_LOW on device '{Device}' (see docs/shutdown.md, \"Runtime estimate\")",
                _deviceId, _deviceId);
        }
        return Apply(new PolicyObservation(Monotonic, _time.GetUtcNow(), r, LinkState.Connected, _selfTest?.IsRunning(_deviceId) == true));
    }

    /// <summary>A clock tick: time-based triggers fire without a new reading (public for tests).</summary>
    public PolicyDecision Tick() =>
        Apply(new PolicyObservation(Monotonic, _time.GetUtcNow(), null, _hub.Get(_deviceId)?.Link ?? LinkState.Lost));

    private TimeSpan Monotonic => _time.GetElapsedTime(_origin);

    private PolicyDecision Apply(PolicyObservation o)
    {
        PolicyDecision d;
        lock (_gate)
        {
            var before = _policy.State;
            d = _policy.Evaluate(o);
            if (d.Changed)
            {
                var level = d.Action == PolicyAction.StartShutdown ? LogLevel.Critical
                    : d.Status.State == PolicyState.Normal ? LogLevel.Information : LogLevel.Warning;
                _log.Log(level, "Policy [{Device}] {State}: {Message}", _deviceId, PolicyStatus.StateName(d.Status.State), d.Message);
            }
            switch (d.Action)
            {
                case PolicyAction.StartShutdown:
                    AnnounceTrigger(d, o.Reading ?? _hub.Get(_deviceId)?.Latest as UpsReading);
                    StartSequence(d.Trigger!, null);
                    break;
                case PolicyAction.CancelShutdown:
                    _cancelSequence?.Cancel();
                    _events.Publish(new GatewayEvent(o.Wall, EventKinds.ShutdownCancelled, EventSeverity.Warning,
                        $"Shutdown cancelled: {d.Message}", _deviceId));
                    break;
            }
            if (before is PolicyState.ShutdownPending or PolicyState.ShuttingDown && d.Status.State == PolicyState.Normal)
                _fsd?.ClearFsd(_deviceId, d.Message ?? "power is back");
            ApplyPendingSettings();
        }
        MaybeSaveMemory(o);
        return d;
    }

    private void AnnounceTrigger(PolicyDecision d, UpsReading? r)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["trigger"] = d.Trigger!.Name,
            ["reason"] = d.Trigger.Reason,
            ["dry_run"] = _dryRun ? "true" : "false",
        };
        if (r?.BatteryRuntimeSeconds is { } rt) data["runtime_left_s"] = rt.ToString("0", CultureInfo.InvariantCulture);
        if (r?.BatteryCharge is { } ch) data["battery_charge"] = ch.ToString("0.#", CultureInfo.InvariantCulture);
        var eta = r?.BatteryRuntimeSeconds is { } s ? $"; battery runtime left {Duration.Format(TimeSpan.FromSeconds(Math.Round(s)))}" : "";
        _events.Publish(new GatewayEvent(_time.GetUtcNow(), EventKinds.TriggerFired, EventSeverity.Critical,
            $"{(_dryRun ? "[DRY-RUN] " : "")}Shutdown trigger {d.Trigger.Name}: {d.Trigger.Reason}{eta}", _deviceId, data));
    }

    private void StartSequence(TriggerHit trigger, ShutdownProgress? resume)
    {
        var cancel = new CancellationTokenSource();
        _cancelSequence = cancel;
        // Dry run is sticky: the configuration (or demo mode) saying dry run wins over a record resumed from disk.
        var request = new ShutdownRequest(trigger.Name, trigger.Reason, _dryRun || (resume?.DryRun ?? false), resume, () => PassPointOfNoReturn(cancel));
        _sequenceTask = Task.Run(async () =>
        {
            try
            {
                await _sequence.RunAsync(request, cancel.Token, _stop.Token).ConfigureAwait(false);
                if (!cancel.IsCancellationRequested)
                    lock (_gate) _policy.MarkSequenceFinished();
            }
            catch (OperationCanceledException) when (_stop.Token.IsCancellationRequested)
            {
                _log.LogWarning("Stopping in the middle of the shutdown sequence; it resumes at the next start");
            }
            catch (Exception e)
            {
                _log.LogError(e, "The shutdown sequence failed unexpectedly");
            }
        });
    }

    /// <summary>
    /// Under the lock every cancel decision is taken under: either the cancel came first (the sequence stops as
    /// cancelled) or the point of no return does (power coming back afterwards is announced as "goes on").
    /// </summary>
    private bool PassPointOfNoReturn(CancellationTokenSource cancel)
    {
        lock (_gate)
        {
            if (cancel.IsCancellationRequested) return false;
            var d = _policy.MarkPointOfNoReturn(_time.GetUtcNow());
            if (d.Changed) _log.LogWarning("Policy [{Device}] {State}: {Message}", _deviceId, PolicyStatus.StateName(d.Status.State), d.Message);
            return true;
        }
    }

    private void MaybeSaveMemory(PolicyObservation o)
    {
        PolicyMemory memory;
        lock (_gate)
        {
            var inOutage = _policy.Status.OnBatterySince is not null;
            // The confirmation is written at once: after a restart it decides that the failsafe is armed.
            var due = _lastSaveAt is not { } last || _time.GetElapsedTime(last) >= SaveInterval || _policy.OutageConfirmed != _savedConfirmed;
            if (inOutage ? (_outageSaved && !due) : !_outageSaved) return;
            _outageSaved = inOutage;
            _savedConfirmed = _policy.OutageConfirmed;
            _lastSaveAt = _time.GetTimestamp();
            memory = _policy.Remember(o.Monotonic, o.Wall);
        }
        if (Interlocked.Exchange(ref _saving, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            try { await _memoryStore.SaveAsync(memory, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log.LogWarning("Cannot save the battery history to {Path} (a restart in this outage would forget it): {Problem}", _memoryStore.FilePath, StorageProblem.DescribeStateFile(e, _memoryStore.FilePath));
            }
            finally { Volatile.Write(ref _saving, 0); }
        });
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_sequenceTask is { } t)
        {
            try { await t.WaitAsync(TimeSpan.FromSeconds(2), _time, cancellationToken).ConfigureAwait(false); }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
        }
        await FlushMemoryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the battery history now (after any save in flight), so a restart resumes from this moment.</summary>
    internal async Task FlushMemoryAsync(CancellationToken ct)
    {
        while (Interlocked.CompareExchange(ref _saving, 1, 0) == 1) await Task.Yield();
        try
        {
            PolicyMemory memory;
            lock (_gate)
            {
                if (_policy.Status.OnBatterySince is null && !_outageSaved) return;
                memory = _policy.Remember(Monotonic, _time.GetUtcNow());
            }
            await _memoryStore.SaveAsync(memory, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            _log.LogWarning("Cannot save the battery history to {Path} (a restart in this outage would forget it): {Problem}", _memoryStore.FilePath, StorageProblem.DescribeStateFile(e, _memoryStore.FilePath));
        }
        finally { Volatile.Write(ref _saving, 0); }
    }

    public override void Dispose()
    {
        _stop.Dispose();
        base.Dispose();
    }
}
