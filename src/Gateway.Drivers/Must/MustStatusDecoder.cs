using Gateway.Drivers.Readings;

namespace Gateway.Drivers.Must;

/// <summary>
/// Work state, load state, AVR, alarm bits, fault id and charge registers → <c>ups.status</c> flags,
/// <c>ups.alarm</c> texts and <c>battery.charger.status</c>, exactly as docs/reference/must.md describes.
/// </summary>
public static class MustStatusDecoder
{
    /// <summary>A grid voltage at or above this means the mains is present (well below any input range a 230 V or 120 V UPS accepts).</summary>
    public const double MainsPresentVolts = 100;

    /// <summary>Null when the work state is not 1–8 (not a valid reading).</summary>
    public static MustStatus? Decode(ReadOnlySpan<ushort> main, int lowBatteryPercent)
    {
        if (main.Length < MustRegisterMap.MainCount) return null;
        var regs = main.ToArray();
        ushort At(ushort register) => regs[register - MustRegisterMap.MainStart];

        var workState = At(MustRegisterMap.WorkState);
        if (workState is < (ushort)MustWorkState.Init or > (ushort)MustWorkState.SoftStart) return null;
        var state = (MustWorkState)workState;

        // States that do not say where the load's power comes from (init, self-check, soft start) take it
        // from the grid voltage, so "mains present" stays true while the mains is there.
        var mains = At(MustRegisterMap.InputVoltage) * 0.1 >= MainsPresentVolts ? UpsStatusFlags.OL : UpsStatusFlags.None;
        var flags = state switch
        {
            MustWorkState.Backup => UpsStatusFlags.OB | UpsStatusFlags.DISCHRG,
            MustWorkState.Line => UpsStatusFlags.OL,
            MustWorkState.GridCharge => UpsStatusFlags.OL | UpsStatusFlags.CHRG,
            MustWorkState.Stop or MustWorkState.PowerOff => UpsStatusFlags.OFF,
            MustWorkState.SelfCheck => UpsStatusFlags.CAL | mains,
            _ => mains,
        };
        var alarms = new List<string>();

        var loadState = At(MustRegisterMap.LoadState);
        if (loadState != 0) flags |= UpsStatusFlags.OVER;
        if (loadState == 2) alarms.Add("Overload");

        var avr = At(MustRegisterMap.AvrState);
        if (avr == 1) flags |= UpsStatusFlags.TRIM;
        else if (avr is 2 or 4) flags |= UpsStatusFlags.BOOST;

        if (At(MustRegisterMap.BatterySoc) <= lowBatteryPercent) flags |= UpsStatusFlags.LB;

        var bits = At(MustRegisterMap.AlarmBits);
        if (Bit(bits, MustRegisterMap.AlarmBitBatteryLow)) flags |= UpsStatusFlags.LB;
        if (Bit(bits, MustRegisterMap.AlarmBitOverload)) flags |= UpsStatusFlags.OVER;
        if (Bit(bits, MustRegisterMap.AlarmBitBatteryHigh)) flags |= UpsStatusFlags.HB;
        if (Bit(bits, MustRegisterMap.AlarmBitParameterError)) alarms.Add("Parameter error");

        var fault = At(MustRegisterMap.FaultId);
        if (fault != 0) alarms.Add(MustRegisterMap.FaultText(fault));

        // On battery nothing charges, whatever a charge flag read a moment earlier says.
        var charging = state != MustWorkState.Backup && (At(MustRegisterMap.ChargeFlag) == 1 || state == MustWorkState.GridCharge);
        if (charging) flags |= UpsStatusFlags.CHRG;
        if (alarms.Count > 0) flags |= UpsStatusFlags.ALARM;

        var charger = state == MustWorkState.Backup ? "discharging"
            : !charging ? "resting"
            : At(MustRegisterMap.ChargeStage) < 2 ? "charging"
            : "floating";
        return new MustStatus(new UpsStatus(flags), alarms, charger);
    }

    private static bool Bit(ushort value, int bit) => (value & (1 << bit)) != 0;
}
