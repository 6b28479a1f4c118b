using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Microsoft.Extensions.Logging;

namespace Gateway.Drivers.Modbus;

/// <summary>
/// The loop shared by Modbus RTU device drivers: connect through a <see cref="SerialLink"/> (verified by
/// the device's identity read), poll at a fixed rate, hand failures to the link to judge, reconnect after
/// a loss. Never throws for device trouble.
/// </summary>
public abstract class ModbusDeviceDriver : IDeviceDriver
{
    private readonly SerialSettings _serial;
    private readonly ModbusTiming _timing;
    private readonly SerialLink.Opener? _opener;
    private readonly Func<ReconnectBackoff>? _backoff;
    private volatile ModbusRtuMaster? _master;
    private TaskCompletionSource _pollDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected ModbusDeviceDriver(string deviceId, DeviceKind kind, SerialSettings serial, TimeSpan interRequestDelay, TimeSpan pollInterval,
        TimeProvider time, ILogger log, SerialLink.Opener? opener, Func<ReconnectBackoff>? backoff)
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
    }

    public string DeviceId { get; }
    public DeviceKind Kind { get; }
    public DriverCounters Counters { get; } = new();
    public abstract IReadOnlyList<string> Commands { get; }
    public TimeSpan PollInterval { get; }
    protected TimeProvider Time { get; }
    protected ILogger Log { get; }
    public SerialSettings Serial => _serial;

    /// <summary>Readings stay fresh for three poll intervals.</summary>
    protected TimeSpan MaxAge => PollInterval * 3;

    /// <summary>The master of the current connection, or null while not connected.</summary>
    protected ModbusRtuMaster? Master => _master;

    /// <summary>
    /// Completes when the poll under way (or the next one) has finished, or the connection ended: a command sent
    /// then goes in the quiet gap after a poll and never pushes a poll back (polls first).
    /// </summary>
    protected Task PollFinishedAsync(CancellationToken ct) => Volatile.Read(ref _pollDone).Task.WaitAsync(ct);

    private void SignalPollFinished() =>
        Interlocked.Exchange(ref _pollDone, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>The identity read that must succeed before the device is declared Connected.</summary>
    protected abstract Task VerifyAsync(ModbusRtuMaster master, CancellationToken ct);

    /// <summary>One poll: read, decode, publish. Throws <see cref="ModbusError"/> or <see cref="IOException"/> on link trouble.</summary>
    protected abstract Task PollAsync(ModbusRtuMaster master, IReadingSink sink, CancellationToken ct);

    public abstract Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken);

    public async Task RunAsync(IReadingSink sink, CancellationToken cancellationToken)
    {
        using var link = new SerialLink(_serial, DeviceId, Counters, Time, Log, _opener, _backoff?.Invoke());
        link.StateChanged += (state, reason) => sink.ReportLinkState(DeviceId, state, reason);
        sink.ReportLinkState(DeviceId, LinkState.Connecting, $"opening {_serial}");
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                ModbusRtuMaster? master = null;
                await link.ConnectAsync(async (transport, ct) =>
                {
                    master = new ModbusRtuMaster(transport, _timing, Time, Counters);
                    await VerifyAsync(master, ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                _master = master;
                try
                {
                    await PollWhileConnectedAsync(link, master!, sink, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _master = null;
                    SignalPollFinished();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task PollWhileConnectedAsync(SerialLink link, ModbusRtuMaster master, IReadingSink sink, CancellationToken ct)
    {
        var next = Time.GetUtcNow();
        while (link.State == LinkState.Connected)
        {
            try
            {
                await PollAsync(master, sink, ct).ConfigureAwait(false);
                link.ReportSuccess();
            }
            catch (Exception e) when (e is ModbusError or IOException)
            {
                if (link.ReportFailure(e)) return;
            }
            finally
            {
                SignalPollFinished();
            }
            next += PollInterval;
            var now = Time.GetUtcNow();
            if (next < now) next = now;
            else await Task.Delay(next - now, Time, ct).ConfigureAwait(false);
        }
    }
}
