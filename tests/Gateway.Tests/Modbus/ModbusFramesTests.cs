using CsCheck;
using Gateway.Drivers.Modbus;
using static Gateway.Tests.Modbus.ModbusCrcTests;

namespace Gateway.Tests.Modbus;

public class ModbusFramesTests
{
    private static readonly ModbusRequest Id = ModbusRequest.Read(1, ModbusFunction.ReadHoldingRegisters, 0x000B, 1);

    [Fact]
    public void Encodes_requests_exactly_like_the_reference_captures()
    {
        Assert.Equal(Hex("01 03 00 0B 00 01 F5 C8"), ModbusFrames.EncodeRequest(Id));
        Assert.Equal(Hex("0A 03 75 30 00 1B 1E B9"), ModbusFrames.EncodeRequest(ModbusRequest.Read(10, ModbusFunction.ReadHoldingRegisters, 30000, 27)));
        Assert.Equal(Hex("01 04 00 00 00 02 71 CB"), ModbusFrames.EncodeRequest(ModbusRequest.Read(1, ModbusFunction.ReadInputRegisters, 0, 2)));
        Assert.Equal(Hex("0A 10 7D 02 00 01 02 00 01 B8 45"), ModbusFrames.EncodeRequest(ModbusRequest.WriteMultiple(10, 32002, [1])));
        var fc06 = ModbusFrames.EncodeRequest(ModbusRequest.WriteSingle(1, 0x1103, 1));
        Assert.Equal(Hex("01 06 11 03 00 01"), fc06[..6]);
        Assert.True(ModbusCrc.IsValid(fc06));
    }

    [Fact]
    public void Decodes_a_read_reply()
    {
        Assert.True(ModbusFrames.TryDecodeResponse(Hex("01 03 02 01 55 79 EB"), Id, out var r));
        Assert.Equal([341], r.Registers);
        Assert.Equal(0, r.Start);
    }

    [Fact]
    public void Decodes_write_echoes()
    {
        var fc16 = ModbusRequest.WriteMultiple(10, 32002, [1]);
        var echo = ModbusFrames.EncodeWriteResponse(fc16);
        Assert.True(ModbusFrames.TryDecodeResponse(echo, fc16, out _));
        var fc06 = ModbusRequest.WriteSingle(1, 0x1103, 1);
        Assert.True(ModbusFrames.TryDecodeResponse(ModbusFrames.EncodeWriteResponse(fc06), fc06, out _));
    }

    public static TheoryData<byte> ExceptionCodes()
    {
        var d = new TheoryData<byte>();
        foreach (var c in Enum.GetValues<ModbusExceptionCode>()) d.Add((byte)c);
        return d;
    }

    [Theory]
    [MemberData(nameof(ExceptionCodes))]
    public void Every_exception_code_becomes_a_typed_error(byte code)
    {
        foreach (var request in new[] { Id, ModbusRequest.Read(1, ModbusFunction.ReadInputRegisters, 0, 2), ModbusRequest.WriteSingle(1, 5, 5), ModbusRequest.WriteMultiple(1, 5, [5]) })
        {
            var reply = ModbusFrames.EncodeException(1, (byte)request.Function, (ModbusExceptionCode)code);
            var e = Assert.Throws<ModbusSlaveException>(() => ModbusFrames.TryDecodeResponse(reply, request, out _));
            Assert.Equal((ModbusExceptionCode)code, e.Code);
            Assert.Equal(request.Function, e.Function);
            Assert.Equal(1, e.Slave);
            Assert.DoesNotContain("unknown", e.Message);
        }
    }

    [Fact]
    public void Exception_02_from_the_reference()
    {
        var e = Assert.Throws<ModbusSlaveException>(() => ModbusFrames.TryDecodeResponse(Hex("01 83 02 C0 F1"), Id, out _));
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, e.Code);
    }

    [Fact]
    public void A_non_standard_exception_code_is_a_frame_error()
    {
        var e = Assert.Throws<ModbusFrameException>(() => ModbusFrames.TryDecodeResponse(ModbusFrames.EncodeException(1, 3, (ModbusExceptionCode)0x55), Id, out _));
        Assert.Equal(ModbusFrameError.UnknownExceptionCode, e.Error);
    }

    [Fact]
    public void Skips_leading_garbage_and_finds_the_reply()
    {
        var data = Hex("FF 00 13 37 01 03 02 01 55 79 EB");
        Assert.True(ModbusFrames.TryDecodeResponse(data, Id, out var r));
        Assert.Equal(4, r.Start);
        Assert.Equal([341], r.Registers);
    }

    [Fact]
    public void A_truncated_reply_needs_more_and_is_then_diagnosed_as_truncated()
    {
        var partial = Hex("01 03 02 01");
        Assert.False(ModbusFrames.TryDecodeResponse(partial, Id, out _));
        var e = Assert.IsType<ModbusFrameException>(ModbusFrames.DiagnoseIncomplete(partial, Id, TimeSpan.FromMilliseconds(500)));
        Assert.Equal(ModbusFrameError.Truncated, e.Error);
    }

    [Fact]
    public void Pure_noise_is_diagnosed_as_garbage_and_silence_as_timeout()
    {
        var noise = Hex("55 AA 55 AA 55 AA 55");
        Assert.False(ModbusFrames.TryDecodeResponse(noise, Id, out _));
        Assert.Equal(ModbusFrameError.Garbage, Assert.IsType<ModbusFrameException>(ModbusFrames.DiagnoseIncomplete(noise, Id, TimeSpan.FromSeconds(1))).Error);
        Assert.IsType<ModbusTimeoutException>(ModbusFrames.DiagnoseIncomplete([], Id, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_corrupted_crc_is_never_accepted()
    {
        var bad = Hex("01 03 02 01 55 79 EC");
        Assert.False(ModbusFrames.TryDecodeResponse(bad, Id, out _));
    }

    [Fact]
    public void A_reply_from_another_slave_is_rejected()
    {
        var fromTwo = ModbusFrames.EncodeReadResponse(2, ModbusFunction.ReadHoldingRegisters, [341]);
        Assert.Equal(ModbusFrameError.WrongSlave, Assert.Throws<ModbusFrameException>(() => ModbusFrames.TryDecodeResponse(fromTwo, Id, out _)).Error);
    }

    [Fact]
    public void A_reply_for_another_function_is_rejected()
    {
        var fc04 = ModbusFrames.EncodeReadResponse(1, ModbusFunction.ReadInputRegisters, [341]);
        Assert.Equal(ModbusFrameError.WrongFunction, Assert.Throws<ModbusFrameException>(() => ModbusFrames.TryDecodeResponse(fc04, Id, out _)).Error);
    }

    [Fact]
    public void A_reply_with_the_wrong_register_count_is_rejected()
    {
        var two = ModbusFrames.EncodeReadResponse(1, ModbusFunction.ReadHoldingRegisters, [1, 2]);
        Assert.Equal(ModbusFrameError.Mismatch, Assert.Throws<ModbusFrameException>(() => ModbusFrames.TryDecodeResponse(two, Id, out _)).Error);
    }

    [Fact]
    public void A_write_echo_for_another_address_is_rejected()
    {
        var echo = ModbusFrames.EncodeWriteResponse(ModbusRequest.WriteMultiple(10, 31006, [1]));
        Assert.Equal(ModbusFrameError.Mismatch, Assert.Throws<ModbusFrameException>(() => ModbusFrames.TryDecodeResponse(echo, ModbusRequest.WriteMultiple(10, 32002, [1]), out _)).Error);
    }

    [Fact]
    public void Request_decoding_round_trips_and_skips_noise()
    {
        var fc16 = ModbusFrames.EncodeRequest(ModbusRequest.WriteMultiple(10, 31006, [1, 2]));
        Assert.Equal(ModbusRequestDecodeStatus.Request, ModbusFrames.TryDecodeRequest(fc16, out var req, out var used));
        Assert.Equal(fc16.Length, used);
        Assert.Equal([1, 2], req!.Values);
        Assert.Equal(ModbusRequestDecodeStatus.Skip, ModbusFrames.TryDecodeRequest(Hex("FF 03 00 00 00 01 00 00"), out _, out used));
        Assert.Equal(1, used);
        Assert.Equal(ModbusRequestDecodeStatus.NeedMore, ModbusFrames.TryDecodeRequest(Hex("01 03 00"), out _, out _));
    }

    [Fact]
    public void Fuzzed_replies_throw_nothing_but_typed_errors()
    {
        var requests = new[] { Id, ModbusRequest.Read(10, ModbusFunction.ReadHoldingRegisters, 30000, 27), ModbusRequest.WriteMultiple(10, 32002, [1]), ModbusRequest.WriteSingle(1, 0x1103, 1) };
        Gen.Byte.Array[0, 80].Select(Gen.Int[0, requests.Length - 1]).Sample((bytes, i) =>
        {
            var request = requests[i];
            try
            {
                ModbusFrames.TryDecodeResponse(bytes, request, out _);
                ModbusFrames.DiagnoseIncomplete(bytes, request, TimeSpan.FromSeconds(1));
                ModbusFrames.TryDecodeRequest(bytes, out _, out _);
            }
            catch (ModbusError)
            {
            }
        }, iter: 20000);
    }

    [Fact]
    public void Fuzzed_valid_frames_with_random_content_throw_nothing_but_typed_errors()
    {
        // Random payloads sealed with a correct CRC reach the deeper checks.
        Gen.Byte.Array[3, 60].Sample(bytes =>
        {
            ModbusCrc.Seal(bytes);
            try { ModbusFrames.TryDecodeResponse(bytes, Id, out _); }
            catch (ModbusError) { }
            ModbusFrames.TryDecodeRequest(bytes, out _, out _);
        }, iter: 20000);
    }
}
