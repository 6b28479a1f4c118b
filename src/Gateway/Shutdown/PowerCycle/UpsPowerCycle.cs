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
/// A cancelled shutdown (power back before the point of no return) disarms it.
/// </summary>
public sealed class UpsPowerCycle : BackgroundService, IHostedLifecycleService
{
    public const string Command = "shutdown.return";
    /// <summary>The most a stop of the gateway is held for an armed cycle (systemd's TimeoutStopSec is 15 s).</summary>
    public static readonly TimeSpan HoldOnStop = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(5);
    private const int Attempts = 3;

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

    public UpsPowerCycle(string? deviceId, Func<string, IDeviceDriver?> findDriver, TimeProvider time, ILogger log, EventBus? events = null)
    {
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
    public void Arm(TimeSpan delay, string reason)
    {
        CancellationTokenSource timer;
        lock (_gate)
        {
            _timer?.Cancel();
            if (_sent.Task.IsCompleted) _sent = NewSent();
            DueAt = _time.GetUtcNow() + delay;
            timer = _timer = new CancellationTokenSource();
        }
        _log.LogWarning("UPS power-cycle armed: {Command} goes to '{Device}' in {Delay} ({Reason})", Command, _deviceId, Duration.Format(delay), reason);
        _ = FireAfterAsync(delay, timer.Token);
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
        return base.StartAsync(cancellationToken);
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
        base.Dispose();
    }

    private static TaskCompletionSource<DeviceCommandResult> NewSent() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
