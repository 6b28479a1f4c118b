using Gateway.Drivers.Modbus;

namespace Gateway.Drivers.Simulation;

/// <summary>
/// A Modbus RTU slave over any <see cref="Stream"/> (pty master, serial port, pipe) serving one or more
/// simulated devices by address. Frames are delimited by length and CRC; a partial frame followed by
/// silence is dropped, and bytes that cannot start a valid frame are skipped (resync).
/// </summary>
public sealed class ModbusSlaveServer
{
    private readonly Stream _stream;
    private readonly Dictionary<byte, IModbusSlaveDevice> _devices;
    private readonly TimeProvider _time;
    private readonly int? _baud;

    /// <param name="baud">When set, replies are delayed by the time the request and the reply take on a wire at this baud rate.</param>
    public ModbusSlaveServer(Stream stream, IEnumerable<IModbusSlaveDevice> devices, TimeProvider time, int? baud = null)
    {
        _stream = stream;
        _devices = devices.ToDictionary(d => d.Address);
        _time = time;
        _baud = baud;
    }

    public long RequestsServed => Interlocked.Read(ref _served);
    public long FramesDropped => Interlocked.Read(ref _dropped);
    private long _served, _dropped;

    /// <summary>How long a partial frame may wait for its next byte before it is dropped.</summary>
    public static readonly TimeSpan PartialFrameTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Serves until cancelled; an I/O error on the stream (the port went away) ends the loop with that exception.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var buffer = new byte[1024];
        var length = 0;
        while (!ct.IsCancellationRequested)
        {
            int n;
            if (length == 0)
            {
                n = await _stream.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
            }
            else
            {
                using var silence = new CancellationTokenSource(PartialFrameTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, silence.Token);
                try
                {
                    n = await _stream.ReadAsync(buffer.AsMemory(length), linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _dropped);
                    length = 0;
                    continue;
                }
            }
            if (n == 0) throw new IOException("stream closed");
            length += n;
            length = await ProcessAsync(buffer, length, ct).ConfigureAwait(false);
            if (length == buffer.Length) length = 0;
        }
    }

    private async Task<int> ProcessAsync(byte[] buffer, int length, CancellationToken ct)
    {
        var offset = 0;
        while (offset < length)
        {
            var status = ModbusFrames.TryDecodeRequest(buffer.AsSpan(offset, length - offset), out var request, out var consumed);
            if (status == ModbusRequestDecodeStatus.NeedMore) break;
            offset += consumed;
            if (status == ModbusRequestDecodeStatus.Skip)
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }
            var reply = Handle(request!, consumed);
            if (reply is null) continue;
            if (_baud is { } baud)
            {
                var wire = TimeSpan.FromSeconds((consumed + reply.Length) * 10.0 / baud);
                await Task.Delay(wire, _time, ct).ConfigureAwait(false);
            }
            await _stream.WriteAsync(reply, ct).ConfigureAwait(false);
            Interlocked.Increment(ref _served);
        }
        if (offset > 0) Buffer.BlockCopy(buffer, offset, buffer, 0, length - offset);
        return length - offset;
    }

    private byte[]? Handle(ModbusRequest request, int frameLength)
    {
        var broadcast = request.Slave == 0;
        if (broadcast)
        {
            if (request.Function == ModbusFunction.WriteSingleRegister)
                foreach (var d in _devices.Values) d.Write(request.Function, request.Address, request.Values);
            return null;
        }
        if (!_devices.TryGetValue(request.Slave, out var device) || !device.Answers()) return null;
        var fc = (byte)request.Function;
        ModbusExceptionCode? error;
        switch (request.Function)
        {
            case ModbusFunction.ReadHoldingRegisters or ModbusFunction.ReadInputRegisters:
                if (request.Count is < 1 or > ModbusRequest.MaxReadCount) return ModbusFrames.EncodeException(request.Slave, fc, ModbusExceptionCode.IllegalDataValue);
                var regs = new ushort[request.Count];
                error = device.Read(request.Function, request.Address, request.Count, regs);
                return error is { } e1 ? ModbusFrames.EncodeException(request.Slave, fc, e1) : ModbusFrames.EncodeReadResponse(request.Slave, request.Function, regs);
            case ModbusFunction.WriteSingleRegister:
                error = device.Write(request.Function, request.Address, request.Values);
                return error is { } e2 ? ModbusFrames.EncodeException(request.Slave, fc, e2) : ModbusFrames.EncodeWriteResponse(request);
            case ModbusFunction.WriteMultipleRegisters:
                if (request.Values is null || request.Values.Length != request.Count || request.Count is < 1 or > ModbusRequest.MaxWriteCount)
                    return ModbusFrames.EncodeException(request.Slave, fc, ModbusExceptionCode.IllegalDataValue);
                error = device.Write(request.Function, request.Address, request.Values);
                return error is { } e3 ? ModbusFrames.EncodeException(request.Slave, fc, e3) : ModbusFrames.EncodeWriteResponse(request);
            default:
                return ModbusFrames.EncodeException(request.Slave, fc, ModbusExceptionCode.IllegalFunction);
        }
    }
}
