using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Readings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Shutdown.PowerCycle;

/// <summary>
/// The shutdown sequence's own, privileged way to power-cycle the protected UPS: once armed, it sends
/// <c>shutdown.return</c> straight to the UPS driver after the delay — not through the command gate that guards
/// requests from MQTT, NUT or the API, which refuses <c>shutdown.*</c> unless configured. Armed before the local
/// poweroff runs, because that poweroff stops this process: when the host stops the gateway while a cycle is armed,
/// the stop is held (at most <see cref="HoldOnStop"/>) until the command is sent, while the drivers still run.
/// A cancelled shutdown (power back before the point of no return) disarms it. The armed state is kept in data_dir
/// (<see cref="PowerCycleArmStore"/>): a gateway that restarts before the command re-arms it, or sends it at once when
/// it is already due — unless it is more than <see cref="RestoreLimit"/> overdue, when mains may long be back and the
/// machines running, so it is dropped with a warning.
/// </summary>
public sealed class UpsPowerCycle : BackgroundService, IHostedLifecycleService
{
    public const string Command = "shutdown.return";
    /// <summary>The most a stop of the gateway is held for an armed cycle (systemd's TimeoutStopSec is 15 s).</summary>
    public static readonly TimeSpan HoldOnStop = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(5);
    private const int Attempts = 3;
    /// <summary>How far past its due time a restored arm is still sent (a restart of the gateway, not a boot hours later).</summary>
    public static readonly TimeSpan RestoreLimit = TimeSpan.FromMinutes(1);
    /// <summary>The least a restored arm waits after the start, so the UPS driver is up when it is sent.</summary>
    public static readonly TimeSpan RestoreGrace = TimeSpan.FromSeconds(5);

    private readonly string? _deviceId;
    private readonly Func<string, IDeviceDriver?> _findDriver;
    private readonly EventBus? _events;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private CancellationTokenSource? _timer;
    private TaskCompletionSource<DeviceCommandResult> _sent = NewSent();
    private EventSubscription? _cancels;
    private readonly PowerCycleArmStore? _store;
    private readonly SemaphoreSlim _saving = new(1, 1);
    private bool _restored;

    public UpsPowerCycle(string? deviceId, Func<string, IDeviceDriver?> findDriver, TimeProvider time, ILogger log, EventBus? events = null, PowerCycleArmStore? store = null)
    {
        _store = store;
        _deviceId = deviceId;
        _findDriver = findDriver;
        _time = time;
        _log = log;
        _events = events;
    }

    public string? DeviceId => _deviceId;

    /// <summary>When the armed command is due (wall clock); null when not armed.</summary>
    public DateTimeOffset? DueAt { get; private set; }

    /// <summary>Completes with the driver's answer when the armed command has been sent.</summary>
    public Task<DeviceCommandResult> Sent { get { lock (_gate) return _sent.Task; } }

    public bool Armed { get { lock (_gate) return DueAt is not null; } }

    /// <summary>Sends <c>shutdown.return</c> after <paramref name="delay"/> (or when the gateway is stopped first).</summary>
    public void Arm(TimeSpan delay, string reason) => _ = ArmAsync(delay, reason, CancellationToken.None);

    /// <summary>Arms like <see cref="Arm"/> and completes when the armed state is on disk (a restart now still sends it).</summary>
    public async Task ArmAsync(TimeSpan delay, string reason, CancellationToken ct)
    {
        var due = ArmInMemory(delay, reason);
        _log.LogWarning("UPS power-cycle armed: {Command} goes to '{Device}' in {Delay} ({Reason})", Command, _deviceId, Duration.Format(delay), reason);
        await PersistAsync(new PowerCycleArm(_deviceId ?? "", due, reason), ct).ConfigureAwait(false);
    }

    private DateTimeOffset ArmInMemory(TimeSpan delay, string reason)
    {
        CancellationTokenSource timer;
        DateTimeOffset due;
        lock (_gate)
        {
            _timer?.Cancel();
            if (_sent.Task.IsCompleted) _sent = NewSent();
            due = _time.GetUtcNow() + delay;
            DueAt = due;
            timer = _timer = new CancellationTokenSource();
        }
        _ = FireAfterAsync(delay, timer.Token);
        return due;
    }

    /// <summary>Writes (arm) or deletes (null) the state file; a failure is logged, never thrown — the arm in memory still holds.</summary>
    private async Task PersistAsync(PowerCycleArm? arm, CancellationToken ct)
    {
        if (_store is null || _deviceId is null) return;
        await _saving.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Re-checked under the lock: a send or disarm that finished meanwhile wins over a late save.
            bool armed;
            lock (_gate) armed = DueAt is not null && !_sent.Task.IsCompleted;
            if (arm is not null && armed) await _store.SaveAsync(arm, ct).ConfigureAwait(false);
            else _store.Clear();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("Could not keep the UPS power-cycle state in {Path}: {Error}. It still runs, but a gateway restart before the command would lose it; check data_dir permissions and free space",
                _store.FilePath, e.Message);
        }
        finally { _saving.Release(); }
    }

    /// <summary>Re-arms a power-cycle that was armed when the gateway last stopped (once; called on start).</summary>
    public async Task RestoreAsync(CancellationToken ct)
    {
        if (_store is null || _restored) return;
        _restored = true;
        var arm = await _store.LoadAsync(ct).ConfigureAwait(false);
        if (arm is null) return;
        if (arm.Device != _deviceId)
        {
            _log.LogWarning("A UPS power-cycle was armed for '{Old}' before the restart, but the protected UPS is now '{New}': not re-armed; {Path} removed",
                arm.Device, _deviceId ?? "none", _store.FilePath);
            _store.Clear();
            return;
        }
        var wait = arm.DueAt - _time.GetUtcNow();
        if (wait < -RestoreLimit)
        {
            _log.LogWarning("A UPS power-cycle for '{Device}' was due at {Due:u}, {Late} ago, when the gateway stopped before sending it: not sent now (mains may be back and the machines running); start machines by hand if they stayed off",
                arm.Device, arm.DueAt, Duration.Format(-wait));
            _store.Clear();
            return;
        }
        // Overdue: sent once the drivers have had a moment to start and connect.
        if (wait < RestoreGrace) wait = RestoreGrace;
        ArmInMemory(wait, arm.Reason ?? "restored");
        _log.LogWarning("UPS power-cycle re-armed after a restart: {Command} goes to '{Device}' in {Delay}", Command, _deviceId, Duration.Format(wait));
    }

    /// <summary>Takes the armed command back (the shutdown was cancelled).</summary>
    public bool Disarm()
    {
        lock (_gate)
        {
            if (DueAt is null || _sent.Task.IsCompleted) return false;
            _timer?.Cancel();
            _timer = null;
            DueAt = null;
        }
        _log.LogWarning("UPS power-cycle disarmed: the shutdown was cancelled");
        _ = PersistAsync(null, CancellationToken.None);
        return true;
    }

    private async Task FireAfterAsync(TimeSpan delay, CancellationToken ct)
    {
        try { await Task.Delay(delay, _time, ct).ConfigureAwait(false); }
        catch (OperationCanceledException) { return; }
        await SendArmedAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Sends the armed command now, once (a second call returns the first answer).</summary>
    private async Task<DeviceCommandResult> SendArmedAsync(CancellationToken ct)
    {
        await _sending.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            TaskCompletionSource<DeviceCommandResult> sent;
            lock (_gate)
            {
                sent = _sent;
                if (DueAt is null || sent.Task.IsCompleted) return sent.Task.IsCompleted ? sent.Task.Result : DeviceCommandResult.Unavailable("not armed");
                _timer?.Cancel();
            }
            var result = await SendAsync(ct).ConfigureAwait(false);
            lock (_gate) DueAt = null;
            sent.TrySetResult(result);
            await PersistAsync(null, CancellationToken.None).ConfigureAwait(false);
            return result;
        }
        finally { _sending.Release(); }
    }

    private async Task<DeviceCommandResult> SendAsync(CancellationToken ct)
    {
        var result = DeviceCommandResult.Unavailable("no protected UPS");
        if (_deviceId is null || _findDriver(_deviceId) is not { } driver)
        {
            result = DeviceCommandResult.Unavailable($"no driver for UPS '{_deviceId}' runs in this process");
        }
        else
        {
            for (var attempt = 1; attempt <= Attempts; attempt++)
            {
                using var timeout = new CancellationTokenSource(CommandTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, ct);
                try { result = await driver.ExecuteAsync(Command, linked.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { result = DeviceCommandResult.Failed($"no answer within {Duration.Format(CommandTimeout)}"); }
                if (result.Status is DeviceCommandStatus.Ok or DeviceCommandStatus.NotSupported) break;
                if (attempt < Attempts) await Task.Delay(TimeSpan.FromSeconds(1), _time, ct).ConfigureAwait(false);
            }
        }
        var ok = result.Status == DeviceCommandStatus.Ok;
        var message = ok
            ? $"UPS '{_deviceId}' told to cut its output and restore it when mains returns ({Command} sent)"
            : $"UPS '{_deviceId}' could not be power-cycled: {Command} {result.Status}: {result.Message}. Machines set to power on with AC will not come back by themselves; start them by hand when mains is back";
        _log.Log(ok ? LogLevel.Warning : LogLevel.Error, "{Message}", message);
        _events?.Publish(new GatewayEvent(_time.GetUtcNow(), EventKinds.UpsPowerCycle, ok ? EventSeverity.Warning : EventSeverity.Critical, message, _deviceId,
            new Dictionary<string, string> { ["command"] = Command, ["status"] = result.Status.ToString().ToLowerInvariant() }));
        return result;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribed before anything can publish a cancel (ExecuteAsync may start later on the thread pool).
        _cancels ??= _events?.Subscribe("ups-power-cycle", 64);
        return StartAndRestoreAsync(cancellationToken);
    }

    private async Task StartAndRestoreAsync(CancellationToken cancellationToken)
    {
        await RestoreAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_cancels is not { } sub) return;
        using var _ = sub;
        try
        {
            while (await sub.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
                while (sub.Reader.TryRead(out var e))
                    if (e.Kind == EventKinds.ShutdownCancelled) Disarm();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>The host is stopping (our own poweroff): hold until the armed command is due, then send it while the drivers still run.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? due;
        lock (_gate) due = _sent.Task.IsCompleted ? null : DueAt;
        if (due is null) return;
        var wait = due.Value - _time.GetUtcNow();
        if (wait > HoldOnStop) wait = HoldOnStop;
        _log.LogWarning("Stopping with a UPS power-cycle armed: holding the stop {Wait} to send it", Duration.Format(wait > TimeSpan.Zero ? wait : TimeSpan.Zero));
        if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, CancellationToken.None).ConfigureAwait(false);
        await SendArmedAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Dispose()
    {
        _timer?.Cancel();
        _sending.Dispose();
        _saving.Dispose();
        base.Dispose();
    }

    private static TaskCompletionSource<DeviceCommandResult> NewSent() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
