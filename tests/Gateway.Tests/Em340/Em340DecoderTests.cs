using Gateway.Drivers.Em340;
using Gateway.Drivers.Readings;

namespace Gateway.Tests.Em340;

public class Em340DecoderTests
{
    [Fact]
    public void Int32_is_low_word_first_and_signed()
    {
        // docs/reference/em340.md: 01 03 04 C5 68 FF FF → raw 0xFFFFC568 = -15000 → -1500.0 W
        Assert.Equal(-15000, Em340Decoder.Int32(0xC568, 0xFFFF));
        Assert.Equal(2300, Em340Decoder.Int32(0x08FC, 0x0000));
        Assert.Equal(70000, Em340Decoder.Int32(0x1170, 0x0001));
        Assert.Equal(-1, Em340Decoder.Int32(0xFFFF, 0xFFFF));
        Assert.Equal(70000, Em340Decoder.Int32(0x0001, 0x1170, highWordFirst: true));
    }

    private static Dictionary<ushort, ushort> Image(params (ushort Address, int Value)[] values)
    {
        var m = new Dictionary<ushort, ushort>();
        for (ushort a = 0; a <= 0x51; a++) m[a] = 0;
        foreach (var (a, v) in values)
        {
            m[a] = (ushort)(v & 0xFFFF);
            m[(ushort)(a + 1)] = (ushort)((uint)v >> 16);
        }
        return m;
    }

    [Fact]
    public void Negative_power_and_current_decode_with_scaling()
    {
        var r = Em340Decoder.ToReading("grid", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3),
            Image((0x0000, 2300), (0x000C, -1335), (0x0012, -15000), (0x0028, -12345)), null);
        Assert.Equal(230.0, r.L1.Voltage);
        Assert.Equal(-1.335, r.L1.Current!.Value, 6);
        Assert.Equal(-1500.0, r.L1.Power);
        Assert.Equal(-1234.5, r.Total.Power!.Value, 6);
    }

    [Fact]
    public void Overflow_is_no_value()
    {
        var image = Image((0x0000, 0x7FFFFFFF), (0x0012, 0x7FFFFFFF));
        image[0x2E] = 0x7FFF;   // PF no value
        image[0x33] = 0xFFFF;   // Hz no value
        var r = Em340Decoder.ToReading("grid", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), image, null);
        Assert.Null(r.L1.Voltage);
        Assert.Null(r.L1.Power);
        Assert.Null(r.L1.PowerFactor);
        Assert.Null(r.Frequency);
        Assert.DoesNotContain(r.Metrics, m => m.Key == "l1.voltage");
    }

    [Fact]
    public void Mode_B_signed_power_factor_export_energy_and_phase_sequence()
    {
        var image = Image((0x004E, 8901), (0x0034, 123456));
        image[0x30] = unchecked((ushort)(short)-950);
        image[0x33] = 499;
        image[0x32] = 0xFFFF;
        var r = Em340Decoder.ToReading("grid", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), image, null);
        Assert.Equal(-0.95, r.L3.PowerFactor!.Value, 6);
        Assert.Equal(890.1, r.ExportEnergy!.Value, 6);
        Assert.Equal(12345.6, r.ImportEnergy!.Value, 6);
        Assert.Equal(12345.6, r.Total.ImportEnergy!.Value, 6);
        Assert.Equal(49.9, r.Frequency!.Value, 6);
        Assert.Equal("L1-L3-L2", r.PhaseSequence);
    }

    [Fact]
    public void Three_decimal_energy_registers_win_when_present()
    {
        var image = Image((0x0034, 12345), (0x004E, 890));
        foreach (var (a, v) in new (ushort, int)[] { (0x0400, 1234), (0x0402, 567), (0x0408, 89), (0x040A, 12), (0x0404, 3), (0x0406, 0), (0x040C, 0), (0x040E, 5) })
        {
            image[a] = (ushort)v;
            image[(ushort)(a + 1)] = 0;
        }
        var identity = new Em340Identity(341, "EM340", "235411W", "A.3", 'B', HasDecimalEnergies: true);
        var r = Em340Decoder.ToReading("grid", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), image, identity);
        Assert.Equal(1234.567, r.ImportEnergy!.Value, 6);
        Assert.Equal(89.012, r.ExportEnergy!.Value, 6);
        Assert.Equal(0.005, r.ExportReactiveEnergy!.Value, 6);
        Assert.Equal("EM340", r.Model);
    }

    [Fact]
    public void Measurement_blocks_are_at_most_20_registers_and_cover_the_table()
    {
        var blocks = Em340RegisterMap.MeasurementBlocks;
        Assert.All(blocks, b => Assert.InRange(b.Count, 1, Em340RegisterMap.MaxRegistersPerRead));
        foreach (var r in Em340RegisterMap.Measurements)
            Assert.Contains(blocks, b => r.Address >= b.Start && r.Address + r.Words <= b.Start + b.Count);
        Assert.Equal(4, blocks.Count);
    }

    [Fact]
    public void Serial_number_and_firmware()
    {
        Assert.Equal("235411W", Em340Decoder.SerialNumber("235411W".Select(c => (ushort)c).ToArray()));
        Assert.Null(Em340Decoder.SerialNumber([0x32, 0, 0, 0, 0, 0, 0]));
        Assert.Equal("A.3", Em340Decoder.Firmware(0, 3));
        Assert.Equal("B.0", Em340Decoder.Firmware(1, 0));
    }

    [Fact]
    public void Every_metric_has_a_meter_key()
    {
        var r = Em340Decoder.ToReading("grid", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), Image((0x0000, 2300), (0x0028, 5000)), null);
        Assert.Contains(r.Metrics, m => m.Key == MeterKeys.Of("l1", MeterKeys.Voltage) && m.Value == 230.0);
        Assert.Contains(r.Metrics, m => m.Key == MeterKeys.Of(MeterKeys.Total, MeterKeys.Power) && m.Value == 500.0);
    }
}
