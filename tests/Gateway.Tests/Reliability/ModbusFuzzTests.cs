using Gateway.Drivers.Modbus;
using Xunit.Abstractions;

namespace Gateway.Tests.Reliability;

/// <summary>
/// Random and mutated bytes into the Modbus RTU decoders of both ends of the line (master: reply decoding and
/// the timeout diagnosis; slave: request decoding as the simulators use it). Only ModbusFrameException and
/// ModbusSlaveException may escape.
/// </summary>
[Trait("Category", "Reliability")]
public class ModbusFuzzTests(ITestOutputHelper output)
{
    private static readonly ModbusRequest[] Requests =
    [
        ModbusRequest.Read(10, ModbusFunction.ReadHoldingRegisters, 30000, 27), // MUST main block
        ModbusRequest.Read(10, ModbusFunction.ReadHoldingRegisters, 31000, 10), // MUST slow block
        ModbusRequest.Read(1, ModbusFunction.ReadHoldingRegisters, 0x000B, 1),  // EM340 model code
        ModbusRequest.Read(1, ModbusFunction.ReadInputRegisters, 0x0000, 2),
        ModbusRequest.Read(1, ModbusFunction.ReadHoldingRegisters, 0x0000, 18),
        ModbusRequest.WriteSingle(1, 0x1103, 1),
        ModbusRequest.WriteMultiple(10, 32002, [1]),
    ];

    /// <summary>Frames from docs/reference (must.md, em340.md) and from the encoders.</summary>
    private static byte[][] Seeds()
    {
        var seeds = new List<byte[]>
        {
            Convert.FromHexString("0A037530001B1EB9"),
            Convert.FromHexString("0A037918000A5DED"),
            Convert.FromHexString("0A107D020001020001B845"),
            Convert.FromHexString("0103000B0001F5C8"),
            Convert.FromHexString("010302015579EB"),
            Convert.FromHexString("01040000000271CB"),
            Convert.FromHexString("01040408FC000039D4"),
            Convert.FromHexString("010304C568FFFF4693"),
            Convert.FromHexString("018302C0F1"),
        };
        foreach (var r in Requests)
        {
            seeds.Add(ModbusFrames.EncodeRequest(r));
            seeds.Add(r.IsRead
                ? ModbusFrames.EncodeReadResponse(r.Slave, r.Function, Enumerable.Range(0, r.Count).Select(i => (ushort)(i * 977)).ToArray())
                : ModbusFrames.EncodeWriteResponse(r));
            seeds.Add(ModbusFrames.EncodeException(r.Slave, (byte)r.Function, ModbusExceptionCode.IllegalDataAddress));
        }
        return seeds.ToArray();
    }

    private readonly record struct Input(byte[] Bytes, int Request)
    {
        public override string ToString() => $"request {Requests[Request]}, bytes {FuzzLoop.Hex(Bytes)}";
    }

    [Fact]
    public void RandomAndMutatedFramesNeverThrowUndocumentedOrHang()
    {
        var seeds = Seeds();
        var mutator = new Mutator(20261125);
        var rnd = mutator.Random;
        var result = FuzzLoop.Run(
            i =>
            {
                var bytes = (i % 10) switch
                {
                    0 => mutator.RandomBytes(300),
                    // Noise before and after a valid frame, as a real line delivers it.
                    1 => [.. mutator.RandomBytes(8), .. seeds[rnd.Next(seeds.Length)], .. mutator.RandomBytes(8)],
                    _ => mutator.Mutate(seeds[rnd.Next(seeds.Length)]),
                };
                // A fresh CRC gets mutated frames past the checksum into the content checks.
                if (bytes.Length >= 4 && rnd.Next(2) == 0) ModbusCrc.Seal(bytes);
                return new Input(bytes, rnd.Next(Requests.Length));
            },
            Decode,
            input => input.ToString(),
            e => e is ModbusFrameException or ModbusSlaveException);
        output.WriteLine($"Modbus RTU decoders: {result.Describe()}");
    }

    [Theory]
    // Edge inputs chosen by hand: empty, a lone exception reply, a read reply claiming 255 bytes, a valid frame
    // for another slave, an FC16 request whose byte count runs past the buffer, an FC16 with an odd byte count.
    [InlineData("", 0)]
    [InlineData("0A8302F0F1", 0)]
    [InlineData("0A03FF", 0)]
    [InlineData("010302015579EB", 0)]
    [InlineData("0A107D020001FF", 6)]
    [InlineData("0A107D020001030001FF0000", 6)]
    [InlineData("0A0375300001", 0)]
    public void OddFramesGiveTypedErrorsOnly(string hex, int request)
    {
        var raw = Convert.FromHexString(hex);
        // Each input as it is and with a valid CRC appended, so the content checks behind the CRC run too.
        byte[] withCrc = [.. raw, 0, 0];
        ModbusCrc.Seal(withCrc);
        foreach (var bytes in new[] { raw, withCrc })
        {
            try { Decode(new Input(bytes, request)); }
            catch (Exception e) when (e is ModbusFrameException or ModbusSlaveException) { }
        }
    }

    private static void Decode(Input input)
    {
        var buffer = input.Bytes;
        var request = Requests[input.Request];
        // Slave side first: it never throws, and must always make progress.
        var offset = 0;
        while (offset < buffer.Length)
        {
            var status = ModbusFrames.TryDecodeRequest(buffer.AsSpan(offset), out var decoded, out var consumed);
            if (status == ModbusRequestDecodeStatus.NeedMore) break;
            Assert.True(consumed > 0 && offset + consumed <= buffer.Length, $"TryDecodeRequest consumed {consumed} at {offset}");
            Assert.True(status != ModbusRequestDecodeStatus.Request || decoded is not null);
            offset += consumed;
        }
        var diagnosis = ModbusFrames.DiagnoseIncomplete(buffer, request, TimeSpan.FromSeconds(1));
        Assert.NotNull(diagnosis.Message);
        // Master side: a complete reply lies inside the buffer and carries what was asked for.
        if (ModbusFrames.TryDecodeResponse(buffer, request, out var response))
        {
            Assert.True(response.Start >= 0 && response.End <= buffer.Length);
            Assert.Equal(request.IsRead ? request.Count : 0, response.Registers.Length);
        }
    }
}
