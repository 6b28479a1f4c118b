using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Microsoft.Extensions.Logging;

namespace Gateway.Drivers.Modbus;

/// <summary>
/// One serial port shared by every Modbus device configured on it (any mix of slave addresses and types):
/// one master, one request at a time with status reads first. The port is opened once, when the first
/// device needs it, and reopened only when the port itself fails (an I/O error, its device file vanished
/// or now points elsewhere); a slave that does not answer is its own device's business. One exception: when no
/// slave on the port has answered anything for <see cref="SilentReopenAfter"/> while requests kept timing out
/// without an I/O error, the adapter itself is taken to be wedged (a USB-serial chip that stopped passing bytes)
/// and the port is closed and opened again; if that brings no answer, the next try waits twice as long (up to
/// <see cref="MaxSilentReopenAfter"/>), so a line of dead slaves is not reopened over and over.
/// </summary>
public sealed class ModbusBus : IDisposable
{
    private readonly SerialLink _link;
    private readonly SemaphoreSlim _opening = new(1, 1);
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private ModbusRtuMaster? _master;
    private int _generation;
    private long _lastAnswer;
    private TimeSpan _silenceLimit;

    /// <summary>The default of <see cref="SilentReopenAfter"/>: far longer than any device's normal poll or backoff.</summary>
    public static readonly TimeSpan DefaultSilentReopenAfter = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxSilentReopenAfter = TimeSpan.FromMinutes(10);

    public ModbusBus(SerialSettings port, TimeProvider time, ILogger log, SerialLink.Opener? opener = null, ReconnectBackoff? backoff = null,
        TimeSpan? silentReopenAfter = null)
    {
        Settings = port;
        _time = time;
        SilentReopenAfter = silentReopenAfter ?? DefaultSilentReopenAfter;
        _silenceLimit = SilentReopenAfter;
        _link = new SerialLink(port, port.Port, Counters, time, log, opener, backoff);
        _link.StateChanged += (state, reason) => PortStateChanged?.Invoke(state, reason);
    }

    /// <summary>The port opened or failed (a device file missing at start, an open error, a loss), with the reason.</summary>
    public event Action<LinkState, string?>? PortStateChanged;

    /// <summary>The port settings (path, baud, parity, stop bits) of the device that created the bus.</summary>
    public SerialSettings Settings { get; }

    /// <summary>The port's own losses and reopens (each device keeps its own counters too).</summary>
    public DriverCounters Counters { get; } = new();

    public LinkState PortState => _link.State;

    /// <summary>How long every slave may stay silent (timeouts, no I/O error) before the port is reopened.</summary>
    public TimeSpan SilentReopenAfter { get; }

    /// <summary>How many times the port was reopened because every slave on it stayed silent.</summary>
    public int SilentReopens { get; private set; }

    /// <summary>Bytes on the wire through the current port (for the bench).</summary>
    public ModbusRtuMaster? Master { get { lock (_lock) return _master; } }

    /// <summary>
    /// The open port, opening it first when needed (waiting for its device file, backing off on open errors);
    /// returns its generation, which a device hands back with each request and failure.
    /// </summary>
    public async Task<int> OpenAsync(CancellationToken ct)
    {
        await _opening.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                if (_master is not null) return _generation;
            }
            var transport = await _link.ConnectAsync(static (_, _) => Task.CompletedTask, ct).ConfigureAwait(false);
            lock (_lock)
            {
                _master = new ModbusRtuMaster(transport, ModbusTiming.For(Settings, TimeSpan.Zero), _time);
                _lastAnswer = _time.GetTimestamp();
                return ++_generation;
            }
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <summary>One exchange on the port of <paramref name="generation"/>; an <see cref="IOException"/> when that port is closed.</summary>
    public async Task<ModbusResponse> ExecuteAsync(int generation, ModbusRequest request, ModbusTiming timing, DriverCounters counters, bool urgent, CancellationToken ct)
    {
        ModbusRtuMaster? master;
        lock (_lock) master = generation == _generation ? _master : null;
        if (master is null) throw new IOException($"{Settings.Port} was closed: {_link.Reason}");
        try
        {
            var response = await master.ExecuteAsync(request, timing, counters, urgent, ct).ConfigureAwait(false);
            Answered();
            return response;
        }
        catch (ModbusSlaveException)
        {
            Answered();
            throw;
        }
        catch (ModbusTimeoutException e) when (SilentTooLong(generation) is { } reason)
        {
            throw new IOException(reason, e);
        }
        catch (ObjectDisposedException)
        {
            throw new IOException($"{Settings.Port} was closed: {_link.Reason}");
        }
    }

    /// <summary>
    /// A poll loop's wait between polls. On a real port and the real clock it is a poll() timeout of the port's reader
    /// thread and the loop goes on there (see <see cref="IExchangeTransport.DelayAsync"/>), so a poll costs no timer
    /// and no thread-pool hand-off; otherwise (a test double, a virtual clock) a plain delay. Fails with an
    /// <see cref="IOException"/>, as <see cref="ExecuteAsync"/> would, when the port of <paramref name="generation"/> is
    /// closed or ends during the wait.
    /// </summary>
    public Task DelayAsync(int generation, TimeSpan delay, CancellationToken ct)
    {
        ModbusRtuMaster? master;
        lock (_lock) master = generation == _generation ? _master : null;
        if (master is null) return Task.FromException(new IOException($"{Settings.Port} was closed: {_link.Reason}"));
        if (master.Transport is IExchangeTransport port && ReferenceEquals(_time, TimeProvider.System)) return port.DelayAsync(delay, ct);
        return Task.Delay(delay, _time, ct);
    }

    private void Answered()
    {
        lock (_lock)
        {
            _lastAnswer = _time.GetTimestamp();
            _silenceLimit = SilentReopenAfter;
        }
    }

    /// <summary>After a timeout: when nothing on the port has answered for the silence limit, closes it (once) and says why.</summary>
    private string? SilentTooLong(int generation)
    {
        string reason;
        lock (_lock)
        {
            var silent = _time.GetElapsedTime(_lastAnswer);
            if (generation != _generation || _master is null || silent < _silenceLimit) return null;
            reason = $"no device on {Settings.Port} answered for {silent.TotalSeconds:0} s although the port shows no error; "
                + "reopening it (a USB-serial adapter that stopped passing bytes comes back this way)";
            _master = null;
            _silenceLimit = _silenceLimit * 2 < MaxSilentReopenAfter ? _silenceLimit * 2 : MaxSilentReopenAfter;
            SilentReopens++;
            _link.MarkLost(reason);
        }
        return reason;
    }

    /// <summary>
    /// Whether a failed request is the port's fault (an I/O error, the device file vanished or now points
    /// elsewhere; with no error only the file is checked). If so the port of <paramref name="generation"/>
    /// is closed (once) and the reason returned; null when the port is fine.
    /// </summary>
    public string? JudgePortFailure(int generation, Exception? error)
    {
        var reason = error is IOException ? error.Message : _link.PathProblem();
        if (reason is null) return null;
        lock (_lock)
        {
            if (generation == _generation && _master is not null)
            {
                _master = null;
                _link.MarkLost(reason);
            }
        }
        return reason;
    }

    public void Dispose()
    {
        lock (_lock) _master = null;
        _link.Dispose();
        _opening.Dispose();
    }
}
