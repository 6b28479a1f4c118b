using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using static Gateway.Drivers.Readings.UpsStatusFlags;

namespace Gateway.Tests.Must;

public class MustStatusDecoderTests
{
    /// <summary>A healthy on-line UPS, battery full and floating; tests change one register at a time.</summary>
    public static ushort[] Registers(ushort workState = 4, Action<ushort[]>? change = null)
    {
        var r = new ushort[MustRegisterMap.MainCount];
        r[1] = 103; r[2] = workState; r[3] = 12; r[4] = 1000; r[5] = 2304; r[6] = 500; r[7] = 2300; r[8] = 500; r[9] = 13;
        r[10] = 300; r[12] = 30; r[14] = 136; r[15] = 2; r[17] = 100; r[18] = 33; r[23] = 2; r[24] = 1; r[25] = 1;
        change?.Invoke(r);
        return r;
    }

    private static void Set(ushort[] r, ushort register, ushort value) => r[register - MustRegisterMap.MainStart] = value;

    [Theory]
    [InlineData(1, OL | CHRG)]             // init: the grid voltage (230.4 V here) says the mains is there
    [InlineData(2, OL | CHRG | CAL)]       // self-check
    [InlineData(3, OB | DISCHRG)]          // backup: nothing charges on battery, whatever the charge flag says
    [InlineData(4, OL | CHRG)]             // line
    [InlineData(5, OFF | CHRG)]            // stop
    [InlineData(6, OFF | CHRG)]            // power off
    [InlineData(7, OL | CHRG)]             // grid charge: Home Assistant's "mains power" stays on
    [InlineData(8, OL | CHRG)]             // soft start
    public void Every_work_state_maps_to_its_flags(ushort workState, UpsStatusFlags expected)
    {
        Assert.Equal(expected, MustStatusDecoder.Decode(Registers(workState), 15)!.Status.Flags);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(0xFFFF)]
    public void A_work_state_outside_1_to_8_is_not_a_reading(ushort workState)
    {
        Assert.Null(MustStatusDecoder.Decode(Registers(workState), 15));
        Assert.Null(MustReadingDecoder.Decode("ups", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), Registers(workState), [], 15, out var problem));
        Assert.Contains("invalid work state", problem);
    }

    [Fact]
    public void On_battery_is_OB_DISCHRG_and_the_charger_is_discharging()
    {
        var s = MustStatusDecoder.Decode(Registers(3, r => r[24] = 0), 15)!;
        Assert.Equal("OB DISCHRG", s.Status.ToString());
        Assert.Equal("discharging", s.ChargerStatus);
    }

    [Theory]
    [InlineData(1, LB)]
    [InlineData(2, OVER)]
    [InlineData(3, HB)]
    public void Alarm_bits_set_their_flags(int bit, UpsStatusFlags flag)
    {
        var s = MustStatusDecoder.Decode(Registers(4, r => Set(r, MustRegisterMap.AlarmBits, (ushort)(1 << bit))), 15)!;
        Assert.True(s.Status.Has(flag));
        Assert.Empty(s.Alarms);
    }

    [Fact]
    public void Alarm_bit_4_is_a_parameter_error_alarm()
    {
        var s = MustStatusDecoder.Decode(Registers(4, r => Set(r, MustRegisterMap.AlarmBits, 1 << 4)), 15)!;
        Assert.Contains("Parameter error", s.Alarms);
        Assert.True(s.Status.Has(ALARM));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(15)]
    public void Unused_alarm_bits_change_nothing(int bit)
    {
        var s = MustStatusDecoder.Decode(Registers(4, r => Set(r, MustRegisterMap.AlarmBits, (ushort)(1 << bit))), 15)!;
        Assert.Equal(OL | CHRG, s.Status.Flags);
    }

    [Theory]
    [InlineData(0, false, false)]
    [InlineData(1, true, false)]
    [InlineData(2, true, true)]
    public void Load_state_sets_OVER_and_an_overload_alarm(ushort loadState, bool over, bool alarm)
    {
        var s = MustStatusDecoder.Decode(Registers(4, r => Set(r, MustRegisterMap.LoadState, loadState)), 15)!;
        Assert.Equal(over, s.Status.Has(OVER));
        Assert.Equal(alarm, s.Alarms.Contains("Overload"));
    }

    [Theory]
    [InlineData(0, None)]
    [InlineData(1, TRIM)]
    [InlineData(2, BOOST)]
    [InlineData(4, BOOST)]
    public void Avr_state_sets_TRIM_or_BOOST(ushort avr, UpsStatusFlags flag)
    {
        var s = MustStatusDecoder.Decode(Registers(4, r => Set(r, MustRegisterMap.AvrState, avr)), 15)!;
        Assert.Equal(OL | CHRG | flag, s.Status.Flags);
    }

    [Theory]
    [InlineData(16, false)]
    [InlineData(15, true)]
    [InlineData(3, true)]
    public void Low_battery_from_state_of_charge_at_or_below_the_threshold(ushort soc, bool lb)
    {
        Assert.Equal(lb, MustStatusDecoder.Decode(Registers(3, r => Set(r, MustRegisterMap.BatterySoc, soc)), 15)!.Status.LowBattery);
    }

    [Theory]
    [InlineData(4, 0, 0, "resting")]
    [InlineData(4, 1, 0, "charging")]
    [InlineData(4, 1, 1, "charging")]
    [InlineData(4, 1, 2, "floating")]
    [InlineData(3, 1, 2, "discharging")]
    public void Charger_status(ushort workState, ushort flag, ushort stage, string expected)
    {
        var s = MustStatusDecoder.Decode(Registers(workState, r => { Set(r, MustRegisterMap.ChargeFlag, flag); Set(r, MustRegisterMap.ChargeStage, stage); }), 15)!;
        Assert.Equal(expected, s.ChargerStatus);
        Assert.Equal(flag == 1 && workState != 3, s.Status.Has(CHRG));
    }

    [Theory]
    [InlineData(1, None)]
    [InlineData(2, CAL)]
    [InlineData(8, None)]
    public void Without_grid_voltage_the_states_that_do_not_say_are_not_online(ushort workState, UpsStatusFlags expected)
    {
        var s = MustStatusDecoder.Decode(Registers(workState, r => { Set(r, MustRegisterMap.InputVoltage, 0); Set(r, MustRegisterMap.ChargeFlag, 0); }), 15)!;
        Assert.Equal(expected, s.Status.Flags);
    }

    [Fact]
    public void Grid_charging_is_online_and_charging_even_before_the_charge_flag_is_set()
    {
        var s = MustStatusDecoder.Decode(Registers(7, r => Set(r, MustRegisterMap.ChargeFlag, 0)), 15)!;
        Assert.Equal("OL CHRG", s.Status.ToString());
    }

    [Fact]
    public void Fault_ids_become_alarm_text()
    {
        var s = MustStatusDecoder.Decode(Registers(4, r => Set(r, MustRegisterMap.FaultId, 7)), 15)!;
        Assert.Equal(["Fault 7: Overload"], s.Alarms);
        Assert.True(s.Status.Has(ALARM));
        var unknown = MustStatusDecoder.Decode(Registers(4, r => Set(r, MustRegisterMap.FaultId, 99)), 15)!;
        Assert.Equal(["Fault 99: unknown fault"], unknown.Alarms);
    }

    [Fact]
    public void The_reading_carries_the_nut_variables_of_the_table()
    {
        ushort[] slow = [1, 230, 105, 144, 138, 10, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1];
        var main = Registers(3, r => { r[15] = unchecked((ushort)-254); r[24] = 0; });
        var reading = MustReadingDecoder.Decode("ups", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(3), main, slow, 15, out _)!;
        Assert.Equal("OB DISCHRG", reading.Get("ups.status"));
        Assert.Equal("230.4", reading.Get("input.voltage"));
        Assert.Equal("50", reading.Get("input.frequency"));
        Assert.Equal("-25.4", reading.Get("battery.current"));
        Assert.Equal("13.6", reading.Get("battery.voltage"));
        Assert.Equal(100, reading.BatteryCharge);
        Assert.Equal("300", reading.Get("ups.realpower"));
        Assert.Equal("1000", reading.Get("ups.realpower.nominal"));
        Assert.Equal("103", reading.Get("ups.firmware"));
        Assert.Equal("MUST", reading.Get("device.mfr"));
        Assert.Equal("EP20", reading.Get("device.model"));
        Assert.Equal("60", reading.Get("output.frequency.nominal"));
        Assert.Equal("10.5", reading.Get("battery.voltage.low"));
        Assert.Equal("14.4", reading.Get("battery.voltage.high"));
        Assert.Equal("disabled", reading.Get("ups.beeper.status"));
        Assert.Equal("discharging", reading.Get("battery.charger.status"));
        Assert.Null(reading.Get("battery.runtime"));
    }
}
