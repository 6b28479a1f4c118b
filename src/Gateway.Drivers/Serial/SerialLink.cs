using Gateway.Drivers.Devices;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Readings;
using Microsoft.Extensions.Logging;

namespace Gateway.Drivers.Serial;

/// <summary>
/// The life of one serial connection: open (by-id symlinks resolved anew each time, file checked first),
/// verify the device with a real read before declaring it Connected, judge failures (an I/O error or a
/// vanished device file is a loss at once; timeouts only after <see cref="SerialSettings.LostAfter"/> in a
/// row), close the port on loss and reopen it as soon as its device file appears (or, for a device that is
/// there but fails, with <see cref="ReconnectBackoff"/>). Each transition is logged
/// once and counted; the old port is always disposed before a new one is opened.
/// </summary>
public sealed class SerialLink : IDisposable
{
    /// <summary>Opens a transport for the given settings (the real one: <see cref="PosixSerialPort.Open"/>).</summary>
    public delegate ISerialTransport Opener(SerialSettings settings);

    /// <summary>Proves the device on a freshly opened transport answers (an identity read); throws if not.</summary>
    public delegate Task Verifier(ISerialTransport transport, CancellationToken ct);

    private readonly SerialSettings _settings;
    private readonly string _deviceId;
    private readonly DriverCounters _counters;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Opener _open;
    private readonly ReconnectBackoff _backoff;
    private ISerialTransport? _transport;
    private int _consecutiveFailures;
    private bool _everConnected;
    private string? _lastAttemptError;
    /// <summary>The device node that last failed (lost, or could not be opened); a different one is tried at once.</summary>
    private string? _failedDevice;

    public SerialLink(SerialSettings settings, string deviceId, DriverCounters counters, TimeProvider time, ILogger log,
        Opener? open = null, ReconnectBackoff? backoff = null)
    {
        _settings = settings;
        _deviceId = deviceId;
        _counters = counters;
        _time = time;
        _log = log;
        _open = open ?? PosixSerialPort.Open;
        _backoff = backoff ?? new ReconnectBackoff();
    }

    public LinkState State { get; private set; } = LinkState.Connecting;
    public string? Reason { get; private set; }
    public ISerialTransport? Transport => _transport;
    public SerialSettings Settings => _settings;

    /// <summary>Raised once per transition, with a human-readable reason.</summary>
    public event Action<LinkState, string?>? StateChanged;

    /// <summary>
    /// Opens and verifies the port, retrying with backoff until it works or <paramref name="ct"/> is cancelled.
    /// The first attempt after start is immediate; after a loss the next one waits as <see cref="WaitBeforeRetryAsync"/> says.
    /// </summary>
    public async Task<ISerialTransport> ConnectAsync(Verifier verify, CancellationToken ct)
    {
        if (State == LinkState.Connected && _transport is not null) return _transport;
        if (State == LinkState.Lost) await WaitBeforeRetryAsync(ct).ConfigureAwait(false);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            ISerialTransport? transport = null;
            try
            {
                transport = _open(_settings);
                await verify(transport, ct).ConfigureAwait(false);
                _transport = transport;
                _consecutiveFailures = 0;
                _backoff.Reset();
                _lastAttemptError = null;
                if (_everConnected) _counters.CountReconnect();
                _everConnected = true;
                SetState(LinkState.Connected, $"connected on {transport}");
                return transport;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                transport?.Dispose();
                throw;
            }
            catch (Exception e) when (e is IOException or ModbusError or UnauthorizedAccessException)
            {
                transport?.Dispose();
                _failedDevice = transport?.DevicePath ?? DevicePath.Resolve(_settings.Port);
                var reason = Describe(e);
                if (State != LinkState.Lost)
                {
                    if (State == LinkState.Connected) _counters.CountLinkLoss();
                    SetState(LinkState.Lost, reason);
                }
                else if (reason != _lastAttemptError)
                {
                    _log.LogInformation("{Device}: reconnect attempt failed: {Reason}", _deviceId, reason);
                }
                _lastAttemptError = reason;
                await WaitBeforeRetryAsync(ct).ConfigureAwait(false);
            }
            catch
            {
                // A bug in a verifier is the supervisor's business, but the port must not leak.
                transport?.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Before the next attempt: a device file that does not exist is waited for (watched, no polling
    /// schedule), and tried at once when it appears, however long it was gone; a device that exists but
    /// failed waits one backoff delay, cut short when its file vanishes, comes back or points elsewhere.
    /// </summary>
    private async Task WaitBeforeRetryAsync(CancellationToken ct)
    {
        while (true)
        {
            var current = DevicePath.Resolve(_settings.Port);
            if (current is not null && _failedDevice is not null && current != _failedDevice)
            {
                // Another device node behind the path (a replug onto a new ttyN): no reason to wait.
                _backoff.Reset();
                return;
            }
            if (current is null)
            {
                _log.LogDebug("{Device}: waiting for {Port} to appear", _deviceId, _settings.Port);
                await DeviceFileWatch.WaitForAsync(_settings.Port, _time, ct).ConfigureAwait(false);
                _backoff.Reset();
                _log.LogInformation("{Device}: {Port} appeared, opening it", _deviceId, _settings.Port);
                return;
            }
            var delay = _backoff.Next();
            _log.LogDebug("{Device}: next attempt to open {Port} in {Delay:0.0} s", _deviceId, _settings.Port, delay.TotalSeconds);
            if (!await DeviceFileWatch.WaitForChangeAsync(_settings.Port, current, delay, _time, ct).ConfigureAwait(false)) return;
            if (DevicePath.Resolve(_settings.Port) is not null)
            {
                _backoff.Reset();
                return;
            }
            _failedDevice = null;
        }
    }

    /// <summary>A request succeeded (or the device answered with an exception reply): the link is alive.</summary>
    public void ReportSuccess() => _consecutiveFailures = 0;

    /// <summary>
    /// A request failed. Returns true when the link is now Lost (port closed); false when it was only a
    /// retry (a single timeout or corrupt reply).
    /// </summary>
    public bool ReportFailure(Exception error)
    {
        if (State != LinkState.Connected) return true;
        if (error is ModbusSlaveException)
        {
            _consecutiveFailures = 0;
            return false;
        }
        if (error is IOException)
        {
            MarkLost(Describe(error));
            return true;
        }
        _consecutiveFailures++;
        if (PathProblem() is { } problem)
        {
            MarkLost(problem);
            return true;
        }
        if (_consecutiveFailures >= _settings.LostAfter)
        {
            MarkLost($"{_consecutiveFailures} failed requests in a row, last: {error.Message}");
            return true;
        }
        _log.LogDebug("{Device}: request failed ({Count}/{Limit}), retrying: {Reason}", _deviceId, _consecutiveFailures, _settings.LostAfter, error.Message);
        return false;
    }

    /// <summary>Why the open port is no longer the configured device (its file vanished or now points elsewhere), or null.</summary>
    public string? PathProblem()
    {
        var current = DevicePath.Resolve(_settings.Port);
        if (current is null) return $"device file {_settings.Port} vanished";
        if (_transport is not null && current != _transport.DevicePath) return $"{_settings.Port} now points to {current} (was {_transport.DevicePath})";
        return null;
    }

    /// <summary>Declares the link lost: counts it, closes the port, reports the transition.</summary>
    public void MarkLost(string reason)
    {
        if (State != LinkState.Connected) return;
        _counters.CountLinkLoss();
        CloseTransport();
        SetState(LinkState.Lost, reason);
    }

    private void SetState(LinkState state, string? reason)
    {
        if (State == state) return;
        State = state;
        Reason = reason;
        if (state == LinkState.Lost) _log.LogWarning("{Device}: link lost: {Reason}", _deviceId, reason);
        else _log.LogInformation("{Device}: {State}: {Reason}", _deviceId, state, reason);
        StateChanged?.Invoke(state, reason);
    }

    private static string Describe(Exception e) => e switch
    {
        FileNotFoundException => e.Message,
        IOException => $"I/O error: {e.Message}",
        _ => e.Message,
    };

    private void CloseTransport()
    {
        var t = _transport;
        _transport = null;
        if (t is not null) _failedDevice = t.DevicePath;
        t?.Dispose();
    }

    public void Dispose() => CloseTransport();
}
