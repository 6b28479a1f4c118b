using Gateway.Drivers.Modbus;
using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;

namespace Gateway.Tests.Must;

/// <summary>The MUST table as rows of the generic Modbus core: inside the blocks the driver reads, decoded to NUT text.</summary>
public class MustRegisterMapTests
{
    [Fact]
    public void Every_row_lies_in_the_block_the_driver_reads_and_the_main_rows_plan_to_one_read()
    {
        Assert.All(MustRegisterMap.Main, r => Assert.True(MustRegisterMap.MainBlock.Covers(r), r.Key));
        Assert.All(MustRegisterMap.Slow, r => Assert.True(MustRegisterMap.SlowBlock.Covers(r), r.Key));
        var plan = Assert.Single(ModbusReadPlanner.Plan(MustRegisterMap.Main, MustRegisterMap.MainCount));
        Assert.True(plan.Start >= MustRegisterMap.MainStart && plan.End <= MustRegisterMap.MainBlock.End);
    }

    [Fact]
    public void Rows_decode_to_nut_text_with_the_decimals_of_their_scale_codes_through_their_texts_and_a_short_slow_block_drops_what_it_lacks()
    {
        var main = new ushort[MustRegisterMap.MainCount];
        main[2] = 4; main[5] = 2304; main[15] = unchecked((ushort)-26); main[17] = 87; main[18] = 33;
        var slow = new ushort[10];
        slow[0] = 1; slow[1] = 230; slow[2] = 105;
        var r = MustReadingDecoder.Decode("ups", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), main, slow, 15, out var problem)!;
        Assert.Null(problem);
        Assert.Equal("230.4", r.Get(NutNames.InputVoltage));
        Assert.Equal("-2.6", r.Get(NutNames.BatteryCurrent));
        Assert.Equal("87", r.Get(NutNames.BatteryCharge));
        Assert.Equal("60", r.Get(NutNames.OutputFrequencyNominal));
        Assert.Equal("10.5", r.Get(NutNames.BatteryVoltageLow));
        Assert.Equal("enabled", r.Get(NutNames.UpsBeeperStatus));
        var noSlow = MustReadingDecoder.Decode("ups", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), main, [], 15, out _)!;
        Assert.Null(noSlow.Get(NutNames.OutputFrequencyNominal));
        Assert.Equal("230.4", noSlow.Get(NutNames.InputVoltage));
    }
}
