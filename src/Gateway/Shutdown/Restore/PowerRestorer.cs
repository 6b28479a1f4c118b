using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Gateway.Shutdown.Steps;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Shutdown.Restore;

/// <summary>
/// Power restore: once mains has been back without a break for <c>restore.stable_for</c> and the battery holds at
/// least <c>restore.min_charge</c>, wakes the machines the outage shut down or shed — Wake-on-LAN in the order of
/// <c>restore.wake</c>, the packet sent again every <c>resend_every</c> until the host's check port answers or
/// <c>deadline</c> passes — and starts shed containers and VMs again. Works from the persisted outage record, so it
/// also runs after the gateway's own restart (the usual case: this host was shut down too). Mains lost again in the
/// middle stops it; what is left is done at the next return. An outage with nothing to bring back ends at once.
/// </summary>
public sealed class PowerRestorer : BackgroundService
{
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    /// <summary>Without a check port the packet is sent this many times and the host counted as unverified.</summary>
    private const int UncheckedSends = 3;

    private readonly RestoreOptions _options;
    private readonly string? _deviceId;
    private readonly ReadingHub _hub;
    private readonly OutageRecorder _recorder;
    private readonly ICommandExecutor _executor;
    private readonly EventBus _events;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private long? _mainsSince;
    private string? _waitingFor;
    private readonly bool _viaHelper;
    private readonly string _vmUri;

    /// <param name="viaHelper">Start containers and VMs through the root helper (<c>shutdown.privileges</c>), as they were stopped.</param>
    /// <param name="vmUri"><c>shutdown.vms.uri</c>: where shed VMs are started again.</param>
    public PowerRestorer(RestoreOptions options, string? deviceId, ReadingHub hub, OutageRecorder recorder, ICommandExecutor executor, EventBus events, TimeProvider time, ILogger log,
        bool viaHelper = false, string vmUri = "")
    {
        _viaHelper = viaHelper;
        _vmUri = vmUri;
        _options = options;
        _deviceId = deviceId;
        _hub = hub;
        _recorder = recorder;
        _executor = executor;
        _events = events;
        _time = time;
        _log = log;
    }

    /// <summary>No timer while there is no outage: ticks from the moment a record opens until it is finished.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _recorder.WhenOpenAsync(stoppingToken).ConfigureAwait(false);
                await TickLoop.RunAsync(TickInterval, _time, TickAsync, _log, "The power restore", stoppingToken, stillNeeded: () => _recorder.Current is not null).ConfigureAwait(false);
                // The next outage's mains must be seen back from scratch.
                _mainsSince = null;
                _waitingFor = null;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>What is still to be brought back, in order: hosts by Wake-on-LAN, then shed containers and VMs.</summary>
    public IReadOnlyList<RestoreAction> Plan(OutageRecord r)
    {
        var plan = new List<RestoreAction>();
        var realShutdown = r.Trigger is not null || r.Machines.Any(m => m.Action == OutageMachine.ShutDown)
                           || r.Steps.Any(s => s.Name is "nut_fsd" or "local" && s.Outcome is ShutdownOutcomes.Ok or ShutdownOutcomes.Timeout);
        foreach (var w in _options.Wake)
        {
            var m = r.Machines.FirstOrDefault(x => x.Kind == OutageMachine.Host && x.Name == w.Name);
            if (m is { State: OutageMachine.Down } || (m is null && w.Always && realShutdown))
                plan.Add(new RestoreAction(w.Name, OutageMachine.Host, w));
        }
        foreach (var m in r.Machines.Where(m => m is { Action: OutageMachine.Shed, State: OutageMachine.Down } && m.Kind is OutageMachine.Container or OutageMachine.Vm))
            plan.Add(new RestoreAction(m.Name, m.Kind, null));
        return plan;
    }

    /// <summary>One evaluation (public for tests): waits for stable mains and charge, then restores or ends the outage.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        var record = _recorder.Current;
        if (record is null || !MainsBack(out var charge))
        {
            _mainsSince = null;
            return;
        }
        _mainsSince ??= _time.GetTimestamp();
        if (record.PowerBackAt is null) return; // the recorder has not seen the return yet
        var plan = _options.Enabled ? Plan(record) : [];
        if (plan.Count == 0)
        {
            await _recorder.FinishAsync().ConfigureAwait(false);
            return;
        }
        var stable = _time.GetElapsedTime(_mainsSince.Value);
        if (stable < _options.StableFor || charge < _options.MinCharge)
        {
            var why = stable < _options.StableFor ? $"mains stable for {Duration.Format(_options.StableFor)}" : $"battery charge {_options.MinCharge:0}% (now {charge:0}%)";
            if (why != _waitingFor) _log.LogInformation("Power restore: waiting for {Why} before waking {Count} machine(s)", why, plan.Count);
            _waitingFor = why;
            return;
        }
        _waitingFor = null;
        if (await RestoreAsync(plan, ct).ConfigureAwait(false))
        {
            await _recorder.UpdateAsync(r => r with { RestoreDone = true }).ConfigureAwait(false);
            await _recorder.FinishAsync().ConfigureAwait(false);
        }
    }

    private bool MainsBack(out double charge)
    {
        charge = 0;
        if (_deviceId is null || _hub.Get(_deviceId) is not { } snap || snap.Link != LinkState.Connected) return false;
        if (snap.Latest is not UpsReading { Status: { OnLine: true, OnBattery: false } } r) return false;
        charge = r.BatteryCharge ?? 100;
        return true;
    }

    /// <summary>Brings back each machine in order; false when mains went away in the middle.</summary>
    private async Task<bool> RestoreAsync(IReadOnlyList<RestoreAction> plan, CancellationToken ct)
    {
        _log.LogWarning("Power restore: mains is back and stable; bringing back {Names}", string.Join(", ", plan.Select(p => p.Name)));
        foreach (var action in plan)
        {
            if (!MainsBack(out _)) return false;
            var t0 = _time.GetTimestamp();
            var (state, detail) = action.Wake is { } w ? await WakeAsync(w, ct).ConfigureAwait(false) : await StartAsync(action, ct).ConfigureAwait(false);
            if (state is null) return false;
            var took = _time.GetElapsedTime(t0);
            var now = _time.GetUtcNow();
            await _recorder.UpdateAsync(r =>
            {
                var m = r.Machines.FirstOrDefault(x => x.Kind == action.Kind && x.Name == action.Name)
                        ?? new OutageMachine(action.Name, action.Kind, OutageMachine.ShutDown, now);
                return r.WithMachine(m with { State = state, BackAt = now, Detail = detail })
                        .WithStep(new OutageStep((action.Wake is null ? "start:" : "wake:") + action.Name, state, now, took.TotalSeconds, detail));
            }).ConfigureAwait(false);
            var ok = state is OutageMachine.Woken or OutageMachine.Started or OutageMachine.Unverified;
            _events.Publish(new GatewayEvent(now, EventKinds.PowerRestore, ok ? EventSeverity.Info : EventSeverity.Warning,
                $"Power restore: {action.Kind} {action.Name} {state}: {detail}", _deviceId,
                new Dictionary<string, string> { ["name"] = action.Name, ["kind"] = action.Kind, ["state"] = state, ["seconds"] = took.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) }));
        }
        return true;
    }

    /// <summary>Wake-on-LAN until the check port answers or the deadline passes; null state when mains went away.</summary>
    private async Task<(string? State, string Detail)> WakeAsync(WakeHostOptions w, CancellationToken ct)
    {
        var start = _time.GetTimestamp();
        long? lastSent = null;
        var sent = 0;
        string? error = null;
        while (true)
        {
            if (!MainsBack(out _)) return (null, "mains lost again");
            if (lastSent is null || _time.GetElapsedTime(lastSent.Value) >= _options.ResendEvery)
            {
                error = await WakeOnLan.SendAsync(w.Mac, w.Broadcast, w.Port, ct).ConfigureAwait(false);
                lastSent = _time.GetTimestamp();
                sent++;
                if (error is not null) _log.LogWarning("Power restore: {Error}", error);
            }
            var elapsed = _time.GetElapsedTime(start);
            if (w.CheckHost is { } host)
            {
                if (await HostDownWait.AnswersAsync(host, w.CheckPort, _time, ct).ConfigureAwait(false))
                    return (OutageMachine.Woken, $"answers on {host}:{w.CheckPort} after {elapsed.TotalSeconds:0.0}s ({sent} magic packet(s) to {w.MacText} via {w.Broadcast}:{w.Port})");
            }
            else if (sent >= UncheckedSends && error is null)
            {
                return (OutageMachine.Unverified, $"{sent} magic packets sent to {w.MacText} via {w.Broadcast}:{w.Port}; no check_host configured, so not verified");
            }
            if (elapsed >= _options.Deadline)
                return (OutageMachine.GaveUp, $"no answer{(w.CheckHost is { } h ? $" on {h}:{w.CheckPort}" : "")} within {Duration.Format(_options.Deadline)} ({sent} magic packet(s) to {w.MacText} via {w.Broadcast}:{w.Port}{(error is null ? "" : "; " + error)}); check Wake-on-LAN in its BIOS/NIC settings");
            await Task.Delay(CheckEvery, _time, ct).ConfigureAwait(false);
        }
    }

    private async Task<(string? State, string Detail)> StartAsync(RestoreAction a, CancellationToken ct)
    {
        var vm = a.Kind == OutageMachine.Vm;
        if (_viaHelper)
        {
            var request = vm ? PrivilegedHelper.VmStartRequest(_vmUri, a.Name, check: false) : PrivilegedHelper.ContainerStartRequest(a.Name, check: false);
            var h = await PrivilegedHelper.RunAsync(_executor, request, StartTimeout, ct).ConfigureAwait(false);
            return (h.Status == HelperStatus.Done ? OutageMachine.Started : OutageMachine.Failed, h.Detail);
        }
        string[] virsh = _vmUri.Length > 0 ? ["virsh", "-c", _vmUri] : ["virsh"];
        string[] argv = vm ? [.. virsh, "start", a.Name] : ["docker", "start", a.Name];
        var r = await _executor.RunAsync(argv, StartTimeout, ct).ConfigureAwait(false);
        // Started by hand (or by libvirt's autostart) in the meantime: it runs, which is what the restore wants.
        if (!r.Succeeded && vm && r.Output.Contains("already active", StringComparison.OrdinalIgnoreCase))
            return (OutageMachine.Started, $"{CommandText.Format(argv)}: was already running");
        return (r.Succeeded ? OutageMachine.Started : OutageMachine.Failed, $"{CommandText.Format(argv)}: {r.Describe()}");
    }
}

/// <summary>One machine to bring back: by Wake-on-LAN (<see cref="Wake"/>) or by starting a shed container or VM.</summary>
public sealed record RestoreAction(string Name, string Kind, WakeHostOptions? Wake);
