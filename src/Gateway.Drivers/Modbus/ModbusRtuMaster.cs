using Gateway.Drivers.Devices;
using Gateway.Drivers.Serial;

namespace Gateway.Drivers.Modbus;

/// <summary>
/// A Modbus RTU master on one open port. One request at a time (several slave ids may share the port;
/// urgent requests go first, see <see cref="PriorityGate"/>); before each request it keeps the line quiet for
/// the request's <see cref="ModbusTiming.Gap"/> and drops stale bytes;
/// it then waits up to the reply timeout, skipping noise before the reply. Timeouts, corrupt and
/// mismatched replies become typed <see cref="ModbusError"/>s and are counted; I/O errors (device gone)
/// surface as <see cref="IOException"/>.
/// </summary>
public sealed class ModbusRtuMaster : IModbusClient
{
    private readonly ISerialTransport _transport;
    private readonly ModbusTiming _timing;
    private readonly TimeProvider _time;
    private readonly DriverCounters? _counters;
    private readonly PriorityGate _gate = new();
    private long _lastActivity;
    private bool _hasActivity;
    // The port-thread path's per-port state, used by one exchange at a time (under _gate): the reply buffer, the
    // request being answered and the reply the completion check already decoded (so the registers are decoded once,
    // and no buffer, closure or delegate is allocated per request).
    private byte[] _reply = new byte[512];
    private readonly ReplyComplete _checkReply;
    private ModbusRequest? _asking;
    private ModbusRequest? _decodedFor;
    private int _decodedLength;
    private ModbusResponse _decoded;

    public ModbusRtuMaster(ISerialTransport transport, ModbusTiming timing, TimeProvider time, DriverCounters? counters = null)
    {
        _transport = transport;
        _timing = timing;
        _time = time;
        _counters = counters;
        _checkReply = CheckReply;
    }

    public ISerialTransport Transport => _transport;
    public ModbusTiming Timing => _timing;

    /// <summary>Bytes written and read on this port so far (requests and replies, noise included).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);
    private long _bytesSent, _bytesReceived;

    public async Task<ushort[]> ReadHoldingRegistersAsync(byte slave, ushort address, ushort count, CancellationToken ct) =>
        (await ExecuteAsync(ModbusRequest.Read(slave, ModbusFunction.ReadHoldingRegisters, address, count), ct).ConfigureAwait(false)).Registers;

    public async Task<ushort[]> ReadInputRegistersAsync(byte slave, ushort address, ushort count, CancellationToken ct) =>
        (await ExecuteAsync(ModbusRequest.Read(slave, ModbusFunction.ReadInputRegisters, address, count), ct).ConfigureAwait(false)).Registers;

    public Task WriteSingleRegisterAsync(byte slave, ushort address, ushort value, CancellationToken ct) =>
        ExecuteAsync(ModbusRequest.WriteSingle(slave, address, value), ct);

    public Task WriteMultipleRegistersAsync(byte slave, ushort address, ushort[] values, CancellationToken ct) =>
        ExecuteAsync(ModbusRequest.WriteMultiple(slave, address, values), ct);

    public Task<ModbusResponse> ExecuteAsync(ModbusRequest request, CancellationToken ct) => ExecuteAsync(request, _timing, _counters, false, ct);

    Task<ModbusResponse> IModbusClient.ExecuteAsync(ModbusRequest request, bool urgent, CancellationToken ct) => ExecuteAsync(request, _timing, _counters, urgent, ct);

    /// <summary>One exchange with the timing and counters of the device that asks (devices on one bus differ in both).</summary>
    public async Task<ModbusResponse> ExecuteAsync(ModbusRequest request, ModbusTiming timing, DriverCounters? counters, bool urgent, CancellationToken ct)
    {
        await _gate.EnterAsync(urgent, ct).ConfigureAwait(false);
        try
        {
            // A real port on the real clock does the whole exchange on its reader thread (no timer, no hand-off
            // per step); a test double or a virtual clock takes the step-by-step path below.
            if (_transport is IExchangeTransport exchange && ReferenceEquals(_time, TimeProvider.System))
                return await ExchangeOnPortAsync(exchange, request, timing, counters, ct).ConfigureAwait(false);
            await KeepQuietAsync(timing, ct).ConfigureAwait(false);
            var stale = _transport.DiscardInput();
            if (stale > 0) counters?.CountBadFrame();
            var frame = ModbusFrames.EncodeRequest(request);
            counters?.CountRequest();
            await _transport.WriteAsync(frame, ct).ConfigureAwait(false);
            Interlocked.Add(ref _bytesSent, frame.Length);
            try
            {
                return await ReceiveAsync(request, timing, counters, ct).ConfigureAwait(false);
            }
            finally
            {
                _lastActivity = _time.GetTimestamp();
                _hasActivity = true;
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    private async Task<ModbusResponse> ExchangeOnPortAsync(IExchangeTransport exchange, ModbusRequest request, ModbusTiming timing, DriverCounters? counters, CancellationToken ct)
    {
        var quiet = _hasActivity ? timing.Gap - _time.GetElapsedTime(_lastActivity) : TimeSpan.Zero;
        var frame = ModbusFrames.EncodeRequest(request);
        var size = Math.Max(256, request.ReplyLength * 2);
        if (_reply.Length < size) _reply = new byte[size];
        var buffer = _reply.AsMemory(0, size);
        _asking = request;
        _decodedFor = null;
        counters?.CountRequest();
        ExchangeOutcome outcome;
        try
        {
            outcome = await exchange.ExchangeAsync(frame, quiet, timing.ReplyTimeout, buffer, _checkReply, ct).ConfigureAwait(false);
        }
        finally
        {
            _lastActivity = _time.GetTimestamp();
            _hasActivity = true;
            _asking = null;
        }
        if (outcome.Stale > 0) counters?.CountBadFrame();
        Interlocked.Add(ref _bytesSent, frame.Length);
        Interlocked.Add(ref _bytesReceived, outcome.Received);
        var received = buffer.Span[..outcome.Received];
        try
        {
            // The check on the port's thread decoded the reply already (the same bytes, for this very request).
            var decoded = ReferenceEquals(_decodedFor, request) && _decodedLength == outcome.Received;
            var response = _decoded;
            _decodedFor = null;
            _decoded = default;
            if (decoded || ModbusFrames.TryDecodeResponse(received, request, out response))
            {
                if (response.Start > 0) counters?.CountBadFrame();
                return response;
            }
        }
        catch (ModbusFrameException e)
        {
            Count(e, counters);
            throw;
        }
        ModbusError error = outcome.TimedOut
            ? ModbusFrames.DiagnoseIncomplete(received, request, timing.ReplyTimeout)
            : new ModbusFrameException(ModbusFrameError.Garbage, $"{outcome.Received} bytes without a valid reply from slave {request.Slave}");
        Count(error, counters);
        throw error;
    }

    /// <summary>
    /// The exchange's completion check, on the port's thread after each chunk: a whole reply is kept for the caller,
    /// which then does not decode it again. A reply that is wrong for good throws here and is decoded (and reported)
    /// again by the caller.
    /// </summary>
    private bool CheckReply(ReadOnlySpan<byte> received)
    {
        if (_asking is not { } request || !ModbusFrames.TryDecodeResponse(received, request, out var response)) return false;
        _decoded = response;
        _decodedLength = received.Length;
        _decodedFor = request;
        return true;
    }

    private async Task KeepQuietAsync(ModbusTiming timing, CancellationToken ct)
    {
        if (!_hasActivity) return;
        var wait = timing.Gap - _time.GetElapsedTime(_lastActivity);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, ct).ConfigureAwait(false);
    }

    private async Task<ModbusResponse> ReceiveAsync(ModbusRequest request, ModbusTiming timing, DriverCounters? counters, CancellationToken ct)
    {
        var buffer = new byte[Math.Max(256, request.ReplyLength * 2)];
        var received = 0;
        using var timeout = new CancellationTokenSource(timing.ReplyTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        while (true)
        {
            int n;
            try
            {
                n = await _transport.ReadAsync(buffer.AsMemory(received), linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                var error = ModbusFrames.DiagnoseIncomplete(buffer.AsSpan(0, received), request, timing.ReplyTimeout);
                Count(error, counters);
                throw error;
            }
            received += n;
            Interlocked.Add(ref _bytesReceived, n);
            try
            {
                if (ModbusFrames.TryDecodeResponse(buffer.AsSpan(0, received), request, out var response))
                {
                    if (response.Start > 0) counters?.CountBadFrame();
                    return response;
                }
            }
            catch (ModbusFrameException e)
            {
                Count(e, counters);
                throw;
            }
            if (received == buffer.Length)
            {
                var error = new ModbusFrameException(ModbusFrameError.Garbage, $"{received} bytes without a valid reply from slave {request.Slave}");
                Count(error, counters);
                throw error;
            }
        }
    }

    private static void Count(ModbusError error, DriverCounters? counters)
    {
        if (error is ModbusTimeoutException) counters?.CountTimeout();
        else counters?.CountBadFrame();
    }
}
