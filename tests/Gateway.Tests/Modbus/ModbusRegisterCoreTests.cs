using Gateway.Drivers.Em340;
using Gateway.Drivers.Modbus;

namespace Gateway.Tests.Modbus;

/// <summary>The generic register rows, read planner and decoder every Modbus device table goes through.</summary>
public sealed class ModbusRegisterCoreTests
{
    private static Dictionary<ushort, ushort> Words(params (ushort Address, ushort Value)[] words) => words.ToDictionary(w => w.Address, w => w.Value);

    [Theory]
    [InlineData(WordOrder.HighFirst)]
    [InlineData(WordOrder.LowFirst)]
    public void Float32_in_either_word_order(WordOrder order)
    {
        var (a, b) = ModbusRegisterDecoder.Float32Words(229.7f, order);
        var r = new ModbusRegister("voltage", 0x0000, RegisterType.Float32, WordOrder: order, Function: ModbusFunction.ReadInputRegisters);
        Assert.Equal(229.7, ModbusRegisterDecoder.Value(r, Words((0, a), (1, b)))!.Value, 4);
        // Read in the wrong order it is some other number, not 229.7.
        Assert.NotEqual(229.7, ModbusRegisterDecoder.Value(r with { WordOrder = order == WordOrder.HighFirst ? WordOrder.LowFirst : WordOrder.HighFirst }, Words((0, a), (1, b))) ?? 0, 4);
    }

    [Fact]
    public void Integers_signs_scale_and_word_order()
    {
        var w = Words((10, 0xFFFF), (11, 0xFFFE), (12, 0x0001), (13, 0x86A0));
        Assert.Equal(65535, ModbusRegisterDecoder.Value(new("a", 10, RegisterType.U16), w));
        Assert.Equal(-1, ModbusRegisterDecoder.Value(new("a", 10, RegisterType.S16), w));
        Assert.Equal(-2, ModbusRegisterDecoder.Value(new("a", 10, RegisterType.S32), w));                 // 0xFFFFFFFE
        Assert.Equal(4294967294.0, ModbusRegisterDecoder.Value(new("a", 10, RegisterType.U32), w));
        Assert.Equal(10000.0, ModbusRegisterDecoder.Value(new("a", 12, RegisterType.U32, Scale: 0.1), w)!.Value, 6);   // 0x000186A0 = 100000
        Assert.Equal(-1, ModbusRegisterDecoder.Value(new("a", 10, RegisterType.S32, WordOrder: WordOrder.LowFirst), Words((10, 0xFFFF), (11, 0xFFFF))));
        Assert.Equal(70000, ModbusRegisterDecoder.Value(new("a", 0, RegisterType.S32, WordOrder: WordOrder.LowFirst), Words((0, 0x1170), (1, 0x0001))));
    }

    [Fact]
    public void No_value_markers_missing_words_and_non_finite_floats_are_null()
    {
        Assert.Null(ModbusRegisterDecoder.Value(new("a", 0, RegisterType.S32, NoValue: 0x7FFFFFFF), Words((0, 0x7FFF), (1, 0xFFFF))));
        Assert.Null(ModbusRegisterDecoder.Value(new("a", 0, RegisterType.S16, NoValue: 0x7FFF), Words((0, 0x7FFF))));
        Assert.Null(ModbusRegisterDecoder.Value(new("a", 0, RegisterType.S32), Words((0, 1))));
        Assert.Null(ModbusRegisterDecoder.Value(new("a", 0, RegisterType.U16), Words()));
        var (a, b) = ModbusRegisterDecoder.Float32Words(float.NaN);
        Assert.Null(ModbusRegisterDecoder.Value(new("a", 0, RegisterType.Float32), Words((0, a), (1, b))));
    }

    [Fact]
    public void The_planner_makes_the_fewest_reads_within_the_limit_per_function()
    {
        ModbusRegister Row(ushort address, RegisterType type, ModbusFunction f = ModbusFunction.ReadInputRegisters) => new($"r{address}", address, type, Function: f);
        var table = new[]
        {
            Row(0x0000, RegisterType.Float32), Row(0x0006, RegisterType.Float32), Row(0x000C, RegisterType.Float32),
            Row(0x0156, RegisterType.Float32), Row(0x0002, RegisterType.S16, ModbusFunction.ReadHoldingRegisters),
        };
        var blocks = ModbusReadPlanner.Plan(table, maxCount: 20);
        Assert.Equal(
            [new ModbusReadBlock(ModbusFunction.ReadHoldingRegisters, 0x0002, 1), new ModbusReadBlock(ModbusFunction.ReadInputRegisters, 0x0000, 14), new ModbusReadBlock(ModbusFunction.ReadInputRegisters, 0x0156, 2)],
            blocks);
        Assert.All(table, r => Assert.Contains(blocks, b => b.Covers(r)));
        // A device that refuses unmapped registers: no gap bridged.
        Assert.Equal(5, ModbusReadPlanner.Plan(table, maxCount: 20, maxGap: 0).Length);
        // A 32-bit value never straddles two reads.
        Assert.Equal([new ModbusReadBlock(ModbusFunction.ReadInputRegisters, 0, 2), new ModbusReadBlock(ModbusFunction.ReadInputRegisters, 6, 2)],
            ModbusReadPlanner.Plan([Row(0, RegisterType.Float32), Row(6, RegisterType.Float32)], maxCount: 3));
    }

    [Fact]
    public void The_em340_table_plans_into_the_same_four_reads_as_before()
    {
        Assert.Equal([(0x0000, 20), (0x0014, 20), (0x0028, 18), (0x0040, 18)],
            Em340RegisterMap.MeasurementBlocks.Select(b => ((int)b.Start, (int)b.Count)));
    }
}
