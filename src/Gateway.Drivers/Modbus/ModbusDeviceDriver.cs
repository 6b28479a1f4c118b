using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Microsoft.Extensions.Logging;

namespace Gateway.Drivers.Modbus;

/// <summary>
/// The loop shared by Modbus RTU device drivers. The device takes its place on the <see cref="ModbusBus"/> of
/// its port (shared with every other device on that path), is verified by its identity read before it is
/// Connected, then polled at a fixed rate, with an optional fast status read in between. Link state is per
/// device: a port failure makes it Lost until the port is back (opened as soon as its device file appears);
/// a slave that stops answering is Lost after <see cref="SerialSettings.LostAfter"/> failures in a row and is
/// retried on its own backoff, so it costs only its own timeouts. Never throws for device trouble.
/// </summary>
public abstract class ModbusDeviceDriver : IDeviceDriver
{
    private readonly SerialSettings _serial;
    private readonly ModbusTiming _timing;
    private readonly SerialLink.Opener? _opener;
    private readonly Func<ReconnectBackoff>? _backoff;
    private TaskCompletionSource _pollDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _polling;
    private long _pollsStarted;
    private long _lastPollFinished;
    private long _commandFence;
    private readonly ModbusBuses _buses;
    private volatile IModbusClient? _client;
    private readonly Lock _stateLock = new();
    private LinkState _state = LinkState.Connecting;
    private string? _lastAttemptError;
    private bool _everConnected;

    protected ModbusDeviceDriver(string deviceId, DeviceKind kind, SerialSettings serial, TimeSpan interRequestDelay, TimeSpan pollInterval,
        TimeProvider time, ILogger log, SerialLink.Opener? opener, Func<ReconnectBackoff>? backoff, ModbusBuses? buses)
    {
        DeviceId = deviceId;
        Kind = kind;
        _serial = serial;
        _timing = ModbusTiming.For(serial, interRequestDelay);
        PollInterval = pollInterval;
        Time = time;
        Log = log;
        _opener = opener;
        _backoff = backoff;
        _buses = buses ?? new ModbusBuses(time);
    }

    /// <summary>Retries after a failed identity read on a freshly opened port, before the backoff takes over.</summary>
    public static readonly TimeSpan QuickRetry = TimeSpan.FromMilliseconds(250);
    public const int QuickRetries = 4;

    public string DeviceId { get; }
    public DeviceKind Kind { get; }
    public DriverCounters Counters { get; } = new();
    public abstract IReadOnlyList<string> Commands { get; }
    public TimeSpan PollInterval { get; }
    protected TimeProvider Time { get; }
    protected ILogger Log { get; }
    public SerialSettings Serial => _serial;

    /// <summary>When set, <see cref="PollStatusAsync"/> runs at this rate between full polls.</summary>
    protected virtual TimeSpan? StatusInterval => null;

    /// <summary>
    /// From one full poll to the next: <see cref="PollInterval"/>, unless a driver stretches it while its device is calm
    /// (the MUST on mains). The loop reads it at every turn, so a status read that ends the calm shortens the wait at once.
    /// </summary>
    protected virtual TimeSpan FullPollInterval => PollInterval;

    /// <summary>Readings stay fresh for three full-poll intervals of the pace in force when they were made.</summary>
    protected TimeSpan MaxAge => FullPollInterval * 3;

    private volatile bool _fullPollNext;

    /// <summary>Makes the loop's next turn (a status interval on) a full poll: the device just left its calm state.</summary>
    protected void FullPollNext() => _fullPollNext = true;

    /// <summary>Where this device's requests go while it is Connected; null otherwise.</summary>
    protected IModbusClient? Client => _client;

    /// <summary>
    /// Waits until a command may use the bus without pushing a poll back (polls first): at once when no poll is
    /// running and a poll that started after the previous command's write (see <see cref="CommandDone"/>) has
    /// finished; otherwise after the next such poll (or the end of the connection). So commands sent back to back
    /// always have a poll between them on the wire, and a poll waits for at most one command. Counting polls by
    /// number, not by a flag, matters: a poll that slipped onto the bus between a command's turn and its write
    /// must not count as the poll after it.
    /// </summary>
    protected async Task WaitForCommandTurnAsync(CancellationToken ct)
    {
        while (true)
        {
            var finished = Volatile.Read(ref _pollDone).Task;
            if (_client is null) return;
            if (Volatile.Read(ref _polling) == 0 && Interlocked.Read(ref _lastPollFinished) > Interlocked.Read(ref _commandFence)) return;
            await finished.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>A command's write ended (sent or failed): the next command waits for a poll that starts after this.</summary>
    protected void CommandDone() => Interlocked.Exchange(ref _commandFence, Interlocked.Read(ref _pollsStarted));

    private void SignalPollFinished(long poll = 0)
    {
        if (poll > 0) Interlocked.Exchange(ref _lastPollFinished, poll);
        Volatile.Write(ref _polling, 0);
        Interlocked.Exchange(ref _pollDone, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>The identity read that must succeed before the device is declared Connected.</summary>
    protected abstract Task VerifyAsync(IModbusClient client, CancellationToken ct);

    /// <summary>One full poll: read, decode, publish. Throws <see cref="ModbusError"/> or <see cref="IOException"/> on link trouble.</summary>
    protected abstract Task PollAsync(IModbusClient client, IReadingSink sink, CancellationToken ct);

    /// <summary>The fast read between full polls (only with <see cref="StatusInterval"/>).</summary>
    protected virtual Task PollStatusAsync(IModbusClient client, IReadingSink sink, CancellationToken ct) => Task.CompletedTask;

    public abstract Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken);

    public async Task RunAsync(IReadingSink sink, CancellationToken cancellationToken)
    {
        using var lease = _buses.Attach(DeviceId, _serial, Log, _opener, _backoff?.Invoke());
        var bus = lease.Bus;
        var backoff = _backoff?.Invoke() ?? new ReconnectBackoff();
        _state = LinkState.Connecting;
        sink.ReportLinkState(DeviceId, LinkState.Connecting, $"opening {_serial}");
        // A port that cannot be opened or fails makes every device on it Lost, with the port's reason.
        void OnPort(LinkState state, string? reason)
        {
            if (state == LinkState.Lost) SetState(sink, LinkState.Lost, reason);
        }
        bus.PortStateChanged += OnPort;
        var openedGeneration = 0;
        var quickRetriesLeft = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var generation = await bus.OpenAsync(cancellationToken).ConfigureAwait(false);
                if (generation != openedGeneration)
                {
                    openedGeneration = generation;
                    quickRetriesLeft = QuickRetries;
                }
                var client = new ModbusBusClient(bus, generation, _timing, Counters);
                string? portProblem;
                try
                {
                    await VerifyAsync(client, cancellationToken).ConfigureAwait(false);
                    backoff.Reset();
                    quickRetriesLeft = 0;
                    _lastAttemptError = null;
                    if (_everConnected) Counters.CountReconnect();
                    _everConnected = true;
                    SetState(sink, LinkState.Connected, $"connected on {bus.Master?.Transport.ToString() ?? _serial.Port}");
                    _client = client;
                    try
                    {
                        portProblem = await PollWhileConnectedAsync(client, sink, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        _client = null;
                        SignalPollFinished();
                    }
                }
                catch (Exception e) when (e is IOException or ModbusError or UnauthorizedAccessException && !cancellationToken.IsCancellationRequested)
                {
                    portProblem = bus.JudgePortFailure(generation, e);
                    var reason = portProblem ?? e.Message;
                    if (!IsLost) SetState(sink, LinkState.Lost, reason);
                    else if (reason != _lastAttemptError) Log.LogInformation("{Device}: reconnect attempt failed: {Reason}", DeviceId, reason);
                    _lastAttemptError = reason;
                }
                // A failed port is reopened by the bus as soon as it is back; a silent slave waits its own backoff,
                // except right after the port (re)opened, when an adapter or a slave may need a moment.
                if (portProblem is not null) continue;
                if (quickRetriesLeft-- > 0) await Task.Delay(QuickRetry, Time, cancellationToken).ConfigureAwait(false);
                else await WaitBackoffAsync(bus, generation, backoff, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            bus.PortStateChanged -= OnPort;
        }
    }

    /// <summary>Polls until the device is Lost; returns the port problem when it was the port's fault, else null.</summary>
    private async Task<string?> PollWhileConnectedAsync(ModbusBusClient client, IReadingSink sink, CancellationToken ct)
    {
        var failures = 0;
        var tick = StatusInterval is { } s && s < PollInterval ? s : PollInterval;
        var next = Time.GetUtcNow();
        // When the last full poll was due (the grid the next ones keep); null: the next turn is a full poll.
        DateTimeOffset? fullDue = null;
        _fullPollNext = false;
        while (true)
        {
            var poll = Interlocked.Increment(ref _pollsStarted);
            try
            {
                Volatile.Write(ref _polling, 1);
                var started = Time.GetUtcNow();
                var interval = FullPollInterval;
                if (fullDue is not { } due || _fullPollNext || started >= due + interval)
                {
                    // On the grid unless the loop fell more than an interval behind (or the pace just turned fast).
                    fullDue = fullDue is { } d && !_fullPollNext && d + interval >= started - interval ? d + interval : started;
                    _fullPollNext = false;
                    await PollAsync(client, sink, ct).ConfigureAwait(false);
                }
                else
                {
                    await PollStatusAsync(client, sink, ct).ConfigureAwait(false);
                }
                failures = 0;
            }
            catch (ModbusSlaveException)
            {
                // The slave answered (with a refusal): the link is alive.
                failures = 0;
            }
            catch (Exception e) when (e is ModbusError or IOException && !ct.IsCancellationRequested)
            {
                if (client.Bus.JudgePortFailure(client.Generation, e) is { } portProblem) return PortLost(portProblem);
                if (++failures >= _serial.LostAfter)
                {
                    SetState(sink, LinkState.Lost, $"{failures} failed requests in a row, last: {e.Message}");
                    return null;
                }
                Log.LogDebug("{Device}: request failed ({Count}/{Limit}), retrying: {Reason}", DeviceId, failures, _serial.LostAfter, e.Message);
            }
            finally
            {
                SignalPollFinished(poll);
            }
            next += tick;
            var now = Time.GetUtcNow();
            if (next < now)
            {
                next = now;
            }
            else
            {
                try
                {
                    await client.Bus.DelayAsync(client.Generation, next - now, ct).ConfigureAwait(false);
                }
                catch (IOException e) when (!ct.IsCancellationRequested)
                {
                    // The port ended during the wait (on its reader thread) or was closed by another device.
                    return PortLost(client.Bus.JudgePortFailure(client.Generation, e) ?? e.Message);
                }
            }
        }

        string PortLost(string problem)
        {
            SetState(sink, LinkState.Lost, problem);
            return problem;
        }
    }

    /// <summary>One backoff delay, cut short when the port's device file vanishes or changes (a replug).</summary>
    private async Task WaitBackoffAsync(ModbusBus bus, int generation, ReconnectBackoff backoff, CancellationToken ct)
    {
        // The file may have changed before the watch below starts: then the port is not this device any more.
        if (bus.JudgePortFailure(generation, null) is not null) return;
        var delay = backoff.Next();
        Log.LogDebug("{Device}: next attempt in {Delay:0.0} s", DeviceId, delay.TotalSeconds);
        if (await DeviceFileWatch.WaitForChangeAsync(_serial.Port, delay, Time, ct).ConfigureAwait(false))
        {
            bus.JudgePortFailure(generation, null);
            backoff.Reset();
        }
    }

    private bool IsLost
    {
        get { lock (_stateLock) return _state == LinkState.Lost; }
    }

    /// <summary>
    /// The one place a transition happens. Connected → Lost is counted here, before anyone is told: the port's own
    /// report (another thread) and the poll loop's both come through, and a reader that saw Lost must see it counted.
    /// </summary>
    private void SetState(IReadingSink sink, LinkState state, string? reason)
    {
        lock (_stateLock)
        {
            if (_state == state) return;
            if (_state == LinkState.Connected && state == LinkState.Lost) Counters.CountLinkLoss();
            _state = state;
        }
        if (state == LinkState.Lost) Log.LogWarning("{Device}: link lost: {Reason}", DeviceId, reason);
        else Log.LogInformation("{Device}: {State}: {Reason}", DeviceId, state, reason);
        sink.ReportLinkState(DeviceId, state, reason);
    }
}
