using System.Buffers.Binary;

namespace Gateway.Drivers.Modbus;

/// <summary>
/// Pure Modbus RTU frame encoding and decoding, for both ends of the line. Decoders accept any bytes and
/// throw nothing but <see cref="ModbusError"/> subclasses (fuzzed in the tests).
/// </summary>
public static class ModbusFrames
{
    public static byte[] EncodeRequest(ModbusRequest request)
    {
        byte[] frame;
        switch (request.Function)
        {
            case ModbusFunction.ReadHoldingRegisters or ModbusFunction.ReadInputRegisters:
                frame = new byte[8];
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(4), request.Count);
                break;
            case ModbusFunction.WriteSingleRegister:
                frame = new byte[8];
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(4), request.Values![0]);
                break;
            case ModbusFunction.WriteMultipleRegisters:
                var values = request.Values!;
                frame = new byte[9 + 2 * values.Length];
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(4), (ushort)values.Length);
                frame[6] = (byte)(2 * values.Length);
                for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(7 + 2 * i), values[i]);
                break;
            default:
                throw new ArgumentException($"function 0x{(byte)request.Function:X2} is not supported", nameof(request));
        }
        frame[0] = request.Slave;
        frame[1] = (byte)request.Function;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), request.Address);
        ModbusCrc.Seal(frame);
        return frame;
    }

    /// <summary>
    /// Looks for the reply to <paramref name="request"/> in <paramref name="buffer"/>, skipping leading noise.
    /// Returns false while more bytes are needed. Throws <see cref="ModbusSlaveException"/> for an exception
    /// reply and <see cref="ModbusFrameException"/> for a valid frame that is not an answer to this request.
    /// </summary>
    public static bool TryDecodeResponse(ReadOnlySpan<byte> buffer, ModbusRequest request, out ModbusResponse response)
    {
        response = default;
        var fc = (byte)request.Function;
        for (var start = 0; start + 5 <= buffer.Length; start++)
        {
            var rest = buffer[start..];
            var len = FindValidFrameLength(rest, request);
            if (len == 0) continue;
            var frame = rest[..len];
            var slave = frame[0];
            var function = frame[1];
            if (slave != request.Slave)
                throw new ModbusFrameException(ModbusFrameError.WrongSlave, $"reply from slave {slave}, expected {request.Slave}");
            if (function == (fc | 0x80))
            {
                var code = frame[2];
                if (Enum.IsDefined((ModbusExceptionCode)code))
                    throw new ModbusSlaveException(slave, request.Function, (ModbusExceptionCode)code);
                throw new ModbusFrameException(ModbusFrameError.UnknownExceptionCode, $"slave {slave} sent exception code {code}, which is not a standard code");
            }
            if (function != fc)
                throw new ModbusFrameException(ModbusFrameError.WrongFunction, $"reply for function 0x{function:X2}, expected 0x{fc:X2}");
            if (request.IsRead)
            {
                if (frame[2] != 2 * request.Count)
                    throw new ModbusFrameException(ModbusFrameError.Mismatch, $"reply carries {frame[2]} bytes, expected {2 * request.Count}");
                var regs = new ushort[request.Count];
                for (var i = 0; i < regs.Length; i++) regs[i] = BinaryPrimitives.ReadUInt16BigEndian(frame[(3 + 2 * i)..]);
                response = new ModbusResponse(start, len, regs);
                return true;
            }
            var echoAddress = BinaryPrimitives.ReadUInt16BigEndian(frame[2..]);
            var echoSecond = BinaryPrimitives.ReadUInt16BigEndian(frame[4..]);
            var expectedSecond = request.Function == ModbusFunction.WriteSingleRegister ? request.Values![0] : request.Count;
            if (echoAddress != request.Address || echoSecond != expectedSecond)
                throw new ModbusFrameException(ModbusFrameError.Mismatch, $"write echo {echoAddress}/{echoSecond} does not match request {request.Address}/{expectedSecond}");
            response = new ModbusResponse(start, len, []);
            return true;
        }
        return false;
    }

    /// <summary>The length of a frame with a valid CRC starting at the head of <paramref name="rest"/>, or 0.</summary>
    private static int FindValidFrameLength(ReadOnlySpan<byte> rest, ModbusRequest request)
    {
        // Exception replies (5 bytes), write echoes (8) and read replies (5 + byte count) for any function:
        // a valid frame for the wrong function or slave is reported, not silently skipped.
        if (ModbusCrc.IsValid(rest[..5]) && (rest[1] & 0x80) != 0) return 5;
        if (rest.Length >= 8 && ModbusCrc.IsValid(rest[..8]) && rest[1] is 0x05 or 0x06 or 0x0F or 0x10) return 8;
        if ((rest[1] & 0x80) == 0)
        {
            var readLen = 5 + rest[2];
            if (readLen <= rest.Length && rest[1] is 0x01 or 0x02 or 0x03 or 0x04 && ModbusCrc.IsValid(rest[..readLen])) return readLen;
        }
        return 0;
    }

    /// <summary>What went wrong when the timeout expired with <paramref name="buffer"/> received.</summary>
    public static ModbusError DiagnoseIncomplete(ReadOnlySpan<byte> buffer, ModbusRequest request, TimeSpan timeout)
    {
        if (buffer.IsEmpty) return new ModbusTimeoutException(request.Slave, timeout);
        var fc = (byte)request.Function;
        for (var i = 0; i + 1 < buffer.Length; i++)
        {
            if (buffer[i] == request.Slave && (buffer[i + 1] == fc || buffer[i + 1] == (fc | 0x80)))
                return new ModbusFrameException(ModbusFrameError.Truncated, $"reply from slave {request.Slave} truncated: {buffer.Length - i} of {request.ReplyLength} bytes");
        }
        return new ModbusFrameException(ModbusFrameError.Garbage, $"{buffer.Length} bytes of noise, no valid reply from slave {request.Slave}");
    }

    // ---- slave side (simulators) ----

    /// <summary>Decodes one request at the head of <paramref name="buffer"/> (any slave id; the caller filters).</summary>
    public static ModbusRequestDecodeStatus TryDecodeRequest(ReadOnlySpan<byte> buffer, out ModbusRequest? request, out int consumed)
    {
        request = null;
        consumed = 0;
        if (buffer.Length < 2) return ModbusRequestDecodeStatus.NeedMore;
        var fc = buffer[1];
        int len;
        if (fc == (byte)ModbusFunction.WriteMultipleRegisters)
        {
            if (buffer.Length < 7) return ModbusRequestDecodeStatus.NeedMore;
            len = 9 + buffer[6];
        }
        else len = 8;
        if (buffer.Length < len) return ModbusRequestDecodeStatus.NeedMore;
        if (!ModbusCrc.IsValid(buffer[..len]))
        {
            consumed = 1;
            return ModbusRequestDecodeStatus.Skip;
        }
        var address = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        var second = BinaryPrimitives.ReadUInt16BigEndian(buffer[4..]);
        consumed = len;
        switch ((ModbusFunction)fc)
        {
            case ModbusFunction.ReadHoldingRegisters or ModbusFunction.ReadInputRegisters:
                request = new ModbusRequest(buffer[0], (ModbusFunction)fc, address, second);
                break;
            case ModbusFunction.WriteSingleRegister:
                request = new ModbusRequest(buffer[0], ModbusFunction.WriteSingleRegister, address, 1, [second]);
                break;
            case ModbusFunction.WriteMultipleRegisters:
                var values = new ushort[Math.Min((int)second, buffer[6] / 2)];
                for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadUInt16BigEndian(buffer[(7 + 2 * i)..]);
                request = new ModbusRequest(buffer[0], ModbusFunction.WriteMultipleRegisters, address, second, values);
                break;
            default:
                request = new ModbusRequest(buffer[0], (ModbusFunction)fc, address, second);
                break;
        }
        return ModbusRequestDecodeStatus.Request;
    }

    public static byte[] EncodeReadResponse(byte slave, ModbusFunction function, ReadOnlySpan<ushort> registers)
    {
        var frame = new byte[5 + 2 * registers.Length];
        frame[0] = slave;
        frame[1] = (byte)function;
        frame[2] = (byte)(2 * registers.Length);
        for (var i = 0; i < registers.Length; i++) BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(3 + 2 * i), registers[i]);
        ModbusCrc.Seal(frame);
        return frame;
    }

    public static byte[] EncodeWriteResponse(ModbusRequest request)
    {
        var frame = new byte[8];
        frame[0] = request.Slave;
        frame[1] = (byte)request.Function;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), request.Address);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(4), request.Function == ModbusFunction.WriteSingleRegister ? request.Values![0] : request.Count);
        ModbusCrc.Seal(frame);
        return frame;
    }

    public static byte[] EncodeException(byte slave, byte function, ModbusExceptionCode code)
    {
        var frame = new byte[5];
        frame[0] = slave;
        frame[1] = (byte)(function | 0x80);
        frame[2] = (byte)code;
        ModbusCrc.Seal(frame);
        return frame;
    }
}
