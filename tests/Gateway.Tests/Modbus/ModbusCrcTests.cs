using Gateway.Drivers.Modbus;

namespace Gateway.Tests.Modbus;

public class ModbusCrcTests
{
    public static TheoryData<string> KnownFrames => new()
    {
        "01 03 00 0B 00 01 F5 C8",          // EM340 identity request (docs/reference/em340.md)
        "01 03 02 01 55 79 EB",             // its reply: 341
        "01 04 00 00 00 02 71 CB",          // V L1-N with FC04
        "01 04 04 08 FC 00 00 39 D4",       // 230.0 V
        "01 03 04 C5 68 FF FF 46 93",       // W L1 = -1500.0 W
        "01 03 00 00 00 12 C5 C7",
        "01 03 01 12 00 08 E5 F5",
        "01 83 02 C0 F1",                   // exception 02
        "0A 03 75 30 00 1B 1E B9",          // MUST main poll (docs/reference/must.md)
        "0A 03 79 18 00 0A 5D ED",
        "0A 10 7D 00 00 01 02 00 01 B9 A7", // factory reset
        "0A 10 7D 01 00 01 02 00 01 B8 76", // remote reset
        "0A 10 7D 02 00 01 02 00 01 B8 45", // remote shutdown
    };

    public static byte[] Hex(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => Convert.ToByte(h, 16)).ToArray();

    [Theory]
    [MemberData(nameof(KnownFrames))]
    public void Known_frames_from_the_references_have_valid_crc(string frame)
    {
        Assert.True(ModbusCrc.IsValid(Hex(frame)));
    }

    [Fact]
    public void Standard_check_value()
    {
        // CRC-16/MODBUS check value for "123456789".
        Assert.Equal(0x4B37, ModbusCrc.Compute("123456789"u8));
    }

    [Fact]
    public void A_flipped_bit_breaks_the_crc()
    {
        var frame = Hex("01 03 02 01 55 79 EB");
        frame[3] ^= 0x01;
        Assert.False(ModbusCrc.IsValid(frame));
    }

    [Fact]
    public void Short_input_is_never_valid() => Assert.False(ModbusCrc.IsValid([0x01, 0x03]));
}
