using Gateway.Drivers.Modbus;
using Gateway.Drivers.Readings;

namespace Gateway.Drivers.Em340;

/// <summary>
/// The EM330/EM340/ET330/ET340 register map (CG protocol v2 rev.17, docs/reference/em340.md) as data.
/// Rows of the generic Modbus core: INT32 low word first (CDAB) or INT16, with the "no value" markers;
/// <see cref="ModbusReadPlanner"/> groups them into reads of at most <see cref="MaxRegistersPerRead"/> registers.
/// </summary>
public static class Em340RegisterMap
{
    public const byte DefaultAddress = 1;
    public const string Manufacturer = "Carlo Gavazzi";
    /// <summary>The spec's request tables say 1–20 (its text says 50); em340d and real wallboxes use ≤ 20.</summary>
    public const int MaxRegistersPerRead = 20;

    /// <summary>The "test register": read ALONE (count 1) it returns the model code; in a block it is V L3-L1's high word.</summary>
    public const ushort ModelCode = 0x000B;
    public const ushort SerialNumber = 0x5000;
    public const ushort SerialNumberWords = 7;
    public const ushort VersionCode = 0x0302;
    public const ushort MeasurementMode = 0x1103;
    public const ushort DecimalEnergyStart = 0x0400;
    public const ushort DecimalEnergyCount = 16;

    public const string PhaseSequenceKey = "phase_sequence";

    public const int NoValue32 = 0x7FFFFFFF;
    public const short NoValue16 = 0x7FFF;

    private static string K(string scope, string q) => MeterKeys.Of(scope, q);

    private static ModbusRegister I32(ushort address, double scale, string key, string unit) =>
        new(key, address, RegisterType.S32, scale, unit, WordOrder.LowFirst, NoValue: NoValue32);

    private static ModbusRegister I16(ushort address, double scale, string key, string unit) =>
        new(key, address, RegisterType.S16, scale, unit, NoValue: NoValue16);

    /// <summary>Counters and demand move slowly: read every <see cref="Em340Settings.EnergyInterval"/>, carried in between.</summary>
    private static ModbusRegister Slow(ModbusRegister r) => r with { Tier = ModbusReadTier.Slow };

    public static readonly IReadOnlyList<ModbusRegister> Measurements =
    [
        I32(0x0000, 0.1, K("l1", MeterKeys.Voltage), "V"),
        I32(0x0002, 0.1, K("l2", MeterKeys.Voltage), "V"),
        I32(0x0004, 0.1, K("l3", MeterKeys.Voltage), "V"),
        I32(0x0006, 0.1, K("l1", MeterKeys.LineVoltage), "V"),
        I32(0x0008, 0.1, K("l2", MeterKeys.LineVoltage), "V"),
        I32(0x000A, 0.1, K("l3", MeterKeys.LineVoltage), "V"),
        I32(0x000C, 0.001, K("l1", MeterKeys.Current), "A"),
        I32(0x000E, 0.001, K("l2", MeterKeys.Current), "A"),
        I32(0x0010, 0.001, K("l3", MeterKeys.Current), "A"),
        I32(0x0012, 0.1, K("l1", MeterKeys.Power), "W"),
        I32(0x0014, 0.1, K("l2", MeterKeys.Power), "W"),
        I32(0x0016, 0.1, K("l3", MeterKeys.Power), "W"),
        I32(0x0018, 0.1, K("l1", MeterKeys.ApparentPower), "VA"),
        I32(0x001A, 0.1, K("l2", MeterKeys.ApparentPower), "VA"),
        I32(0x001C, 0.1, K("l3", MeterKeys.ApparentPower), "VA"),
        I32(0x001E, 0.1, K("l1", MeterKeys.ReactivePower), "var"),
        I32(0x0020, 0.1, K("l2", MeterKeys.ReactivePower), "var"),
        I32(0x0022, 0.1, K("l3", MeterKeys.ReactivePower), "var"),
        I32(0x0024, 0.1, K(MeterKeys.Total, MeterKeys.Voltage), "V"),
        I32(0x0026, 0.1, K(MeterKeys.Total, MeterKeys.LineVoltage), "V"),
        I32(0x0028, 0.1, K(MeterKeys.Total, MeterKeys.Power), "W"),
        I32(0x002A, 0.1, K(MeterKeys.Total, MeterKeys.ApparentPower), "VA"),
        I32(0x002C, 0.1, K(MeterKeys.Total, MeterKeys.ReactivePower), "var"),
        I16(0x002E, 0.001, K("l1", MeterKeys.PowerFactor), ""),
        I16(0x002F, 0.001, K("l2", MeterKeys.PowerFactor), ""),
        I16(0x0030, 0.001, K("l3", MeterKeys.PowerFactor), ""),
        I16(0x0031, 0.001, K(MeterKeys.Total, MeterKeys.PowerFactor), ""),
        I16(0x0032, 1, PhaseSequenceKey, ""),
        I16(0x0033, 0.1, MeterKeys.Frequency, "Hz"),
        Slow(I32(0x0034, 0.1, MeterKeys.ImportEnergy, "kWh")),
        Slow(I32(0x0036, 0.1, MeterKeys.ImportReactiveEnergy, "kvarh")),
        Slow(I32(0x0038, 0.1, MeterKeys.DemandPower, "W")),
        Slow(I32(0x0040, 0.1, K("l1", MeterKeys.ImportEnergy), "kWh")),
        Slow(I32(0x0042, 0.1, K("l2", MeterKeys.ImportEnergy), "kWh")),
        Slow(I32(0x0044, 0.1, K("l3", MeterKeys.ImportEnergy), "kWh")),
        Slow(I32(0x004E, 0.1, MeterKeys.ExportEnergy, "kWh")),
        Slow(I32(0x0050, 0.1, MeterKeys.ExportReactiveEnergy, "kvarh")),
    ];

    /// <summary>The 3-decimal counters (meters made from 2018-10): integer part INT32 then thousandths INT32; slow tier.</summary>
    public static readonly IReadOnlyList<(ushort Address, string Key)> DecimalEnergies =
    [
        (0x0400, MeterKeys.ImportEnergy),
        (0x0404, MeterKeys.ImportReactiveEnergy),
        (0x0408, MeterKeys.ExportEnergy),
        (0x040C, MeterKeys.ExportReactiveEnergy),
    ];

    /// <summary>The whole measurement table (both tiers) grouped into reads of at most 20 registers: a full refresh.</summary>
    public static readonly IReadOnlyList<ModbusReadBlock> MeasurementBlocks = ModbusReadPlanner.Plan(Measurements, MaxRegistersPerRead);

    /// <summary>Only the rows read every poll (0x0000–0x0033: voltages, currents, powers, PF, phase sequence, frequency).</summary>
    public static readonly IReadOnlyList<ModbusReadBlock> EveryPollBlocks =
        ModbusReadPlanner.Plan(Measurements.Where(r => r.Tier == ModbusReadTier.EveryPoll), MaxRegistersPerRead);

    /// <summary>Model codes of the family this map fits (register 0x000B).</summary>
    public static readonly IReadOnlyDictionary<ushort, string> Models = new Dictionary<ushort, string>
    {
        [330] = "EM330", [331] = "EM330 AV6", [332] = "EM330 AV5", [335] = "ET330", [336] = "ET330",
        [340] = "EM340 (engineering sample)", [341] = "EM340", [345] = "ET340", [346] = "EM341", [355] = "EM331",
    };

    /// <summary>The engineering-sample code sends 32-bit values high word first.</summary>
    public const ushort MsbFirstModel = 340;
}
