using Gateway.Drivers.Readings;
using VT = Gateway.Drivers.Em340.Em340ValueType;

namespace Gateway.Drivers.Em340;

/// <summary>
/// The EM330/EM340/ET330/ET340 register map (CG protocol v2 rev.17, docs/reference/em340.md) as data.
/// Reads are grouped into blocks of at most <see cref="MaxRegistersPerRead"/> registers.
/// </summary>
public static class Em340RegisterMap
{
    public const byte DefaultAddress = 1;
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

    private static string K(string scope, string q) => MeterKeys.Of(scope, q);

    public static readonly IReadOnlyList<Em340Register> Measurements =
    [
        new(0x0000, VT.Int32, 0.1, K("l1", MeterKeys.Voltage)),
        new(0x0002, VT.Int32, 0.1, K("l2", MeterKeys.Voltage)),
        new(0x0004, VT.Int32, 0.1, K("l3", MeterKeys.Voltage)),
        new(0x0006, VT.Int32, 0.1, K("l1", MeterKeys.LineVoltage)),
        new(0x0008, VT.Int32, 0.1, K("l2", MeterKeys.LineVoltage)),
        new(0x000A, VT.Int32, 0.1, K("l3", MeterKeys.LineVoltage)),
        new(0x000C, VT.Int32, 0.001, K("l1", MeterKeys.Current)),
        new(0x000E, VT.Int32, 0.001, K("l2", MeterKeys.Current)),
        new(0x0010, VT.Int32, 0.001, K("l3", MeterKeys.Current)),
        new(0x0012, VT.Int32, 0.1, K("l1", MeterKeys.Power)),
        new(0x0014, VT.Int32, 0.1, K("l2", MeterKeys.Power)),
        new(0x0016, VT.Int32, 0.1, K("l3", MeterKeys.Power)),
        new(0x0018, VT.Int32, 0.1, K("l1", MeterKeys.ApparentPower)),
        new(0x001A, VT.Int32, 0.1, K("l2", MeterKeys.ApparentPower)),
        new(0x001C, VT.Int32, 0.1, K("l3", MeterKeys.ApparentPower)),
        new(0x001E, VT.Int32, 0.1, K("l1", MeterKeys.ReactivePower)),
        new(0x0020, VT.Int32, 0.1, K("l2", MeterKeys.ReactivePower)),
        new(0x0022, VT.Int32, 0.1, K("l3", MeterKeys.ReactivePower)),
        new(0x0024, VT.Int32, 0.1, K(MeterKeys.Total, MeterKeys.Voltage)),
        new(0x0026, VT.Int32, 0.1, K(MeterKeys.Total, MeterKeys.LineVoltage)),
        new(0x0028, VT.Int32, 0.1, K(MeterKeys.Total, MeterKeys.Power)),
        new(0x002A, VT.Int32, 0.1, K(MeterKeys.Total, MeterKeys.ApparentPower)),
        new(0x002C, VT.Int32, 0.1, K(MeterKeys.Total, MeterKeys.ReactivePower)),
        new(0x002E, VT.Int16, 0.001, K("l1", MeterKeys.PowerFactor)),
        new(0x002F, VT.Int16, 0.001, K("l2", MeterKeys.PowerFactor)),
        new(0x0030, VT.Int16, 0.001, K("l3", MeterKeys.PowerFactor)),
        new(0x0031, VT.Int16, 0.001, K(MeterKeys.Total, MeterKeys.PowerFactor)),
        new(0x0032, VT.Int16, 1, PhaseSequenceKey),
        new(0x0033, VT.Int16, 0.1, MeterKeys.Frequency),
        new(0x0034, VT.Int32, 0.1, MeterKeys.ImportEnergy),
        new(0x0036, VT.Int32, 0.1, MeterKeys.ImportReactiveEnergy),
        new(0x0038, VT.Int32, 0.1, MeterKeys.DemandPower),
        new(0x0040, VT.Int32, 0.1, K("l1", MeterKeys.ImportEnergy)),
        new(0x0042, VT.Int32, 0.1, K("l2", MeterKeys.ImportEnergy)),
        new(0x0044, VT.Int32, 0.1, K("l3", MeterKeys.ImportEnergy)),
        new(0x004E, VT.Int32, 0.1, MeterKeys.ExportEnergy),
        new(0x0050, VT.Int32, 0.1, MeterKeys.ExportReactiveEnergy),
    ];

    /// <summary>The 3-decimal counters (meters made from 2018-10): integer part INT32 then thousandths INT32.</summary>
    public static readonly IReadOnlyList<(ushort Address, string Key)> DecimalEnergies =
    [
        (0x0400, MeterKeys.ImportEnergy),
        (0x0404, MeterKeys.ImportReactiveEnergy),
        (0x0408, MeterKeys.ExportEnergy),
        (0x040C, MeterKeys.ExportReactiveEnergy),
    ];

    /// <summary>The measurement table grouped into reads of at most 20 registers.</summary>
    public static readonly IReadOnlyList<Em340Block> MeasurementBlocks = PlanBlocks(Measurements, MaxRegistersPerRead);

    public static Em340Block[] PlanBlocks(IEnumerable<Em340Register> registers, int maxCount)
    {
        var blocks = new List<Em340Block>();
        int start = -1, end = -1;
        foreach (var r in registers.OrderBy(r => r.Address))
        {
            var rEnd = r.Address + r.Words;
            if (start >= 0 && rEnd - start <= maxCount)
            {
                end = Math.Max(end, rEnd);
                continue;
            }
            if (start >= 0) blocks.Add(new Em340Block((ushort)start, (ushort)(end - start)));
            start = r.Address;
            end = rEnd;
        }
        if (start >= 0) blocks.Add(new Em340Block((ushort)start, (ushort)(end - start)));
        return blocks.ToArray();
    }

    /// <summary>Model codes of the family this map fits (register 0x000B).</summary>
    public static readonly IReadOnlyDictionary<ushort, string> Models = new Dictionary<ushort, string>
    {
        [330] = "EM330", [331] = "EM330 AV6", [332] = "EM330 AV5", [335] = "ET330", [336] = "ET330",
        [340] = "EM340 (engineering sample)", [341] = "EM340", [345] = "ET340", [346] = "EM341", [355] = "EM331",
    };

    /// <summary>The engineering-sample code sends 32-bit values high word first.</summary>
    public const ushort MsbFirstModel = 340;
}
