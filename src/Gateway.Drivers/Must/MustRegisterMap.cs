using Gateway.Drivers.Modbus;
using Gateway.Drivers.Readings;

namespace Gateway.Drivers.Must;

/// <summary>
/// The MUST EP20 register map (docs/reference/must.md), as data: rows of the generic Modbus core saying which
/// register becomes which NUT variable with which scale. Status flags are derived in <see cref="MustStatusDecoder"/>.
/// </summary>
public static class MustRegisterMap
{
    public const byte DefaultSlave = 10;

    /// <summary>The read-only block, read every poll in one request (as the vendor software does).</summary>
    public const ushort MainStart = 30000;
    public const ushort MainCount = 27;

    /// <summary>The read/write block (nominal values, beeper setting), read at the slow rate.</summary>
    public const ushort SlowStart = 31000;
    public const ushort SlowCount = 18;

    public const ushort MachineType = 30000;
    public const ushort SoftwareVersion = 30001;
    public const ushort WorkState = 30002;
    public const ushort BatteryClass = 30003;
    public const ushort RatedPower = 30004;
    public const ushort InputVoltage = 30005;
    public const ushort LoadState = 30013;
    public const ushort BatterySoc = 30017;
    public const ushort AvrState = 30019;
    public const ushort BuzzerState = 30020;
    public const ushort FaultId = 30021;
    public const ushort AlarmBits = 30022;
    public const ushort ChargeStage = 30023;
    public const ushort ChargeFlag = 30024;

    public const ushort BeeperSetting = 31006;
    public const ushort RemoteShutdown = 32002;

    public const int AlarmBitBatteryLow = 1;
    public const int AlarmBitOverload = 2;
    public const int AlarmBitBatteryHigh = 3;
    public const int AlarmBitParameterError = 4;

    private static ModbusRegister U16(ushort address, string nutName, double scale = 1, string unit = "") =>
        new(nutName, address, RegisterType.U16, scale, unit);

    /// <summary>The read-only block's values (rows of the generic Modbus core, keyed by NUT variable; status registers are in <see cref="MustStatusDecoder"/>).</summary>
    public static readonly IReadOnlyList<ModbusRegister> Main =
    [
        U16(30001, NutNames.UpsFirmware),
        U16(30003, NutNames.BatteryVoltageNominal, unit: "V"),
        U16(30004, NutNames.UpsRealPowerNominal, unit: "W"),
        U16(30005, NutNames.InputVoltage, 0.1, "V"),
        U16(30006, NutNames.InputFrequency, 0.1, "Hz"),
        U16(30007, NutNames.OutputVoltage, 0.1, "V"),
        U16(30008, NutNames.OutputFrequency, 0.1, "Hz"),
        U16(30009, NutNames.OutputCurrent, 0.1, "A"),
        U16(30010, NutNames.UpsRealPower, unit: "W"),
        U16(30012, NutNames.UpsLoad, unit: "%"),
        U16(30014, NutNames.BatteryVoltage, 0.1, "V"),
        new(NutNames.BatteryCurrent, 30015, RegisterType.S16, 0.1, "A"),
        U16(30017, NutNames.BatteryCharge, unit: "%"),
        U16(30018, NutNames.UpsTemperature, unit: "°C"),
    ];

    /// <summary>The read/write block's values, read at the slow rate.</summary>
    public static readonly IReadOnlyList<ModbusRegister> Slow =
    [
        U16(31000, NutNames.OutputFrequencyNominal),
        U16(31001, NutNames.OutputVoltageNominal, unit: "V"),
        U16(31002, NutNames.BatteryVoltageLow, 0.1, "V"),
        U16(31003, NutNames.BatteryVoltageHigh, 0.1, "V"),
        U16(31006, NutNames.UpsBeeperStatus),
    ];

    /// <summary>Registers that hold codes rather than quantities: raw value → NUT text.</summary>
    public static readonly IReadOnlyDictionary<string, Func<long, string>> Texts = new Dictionary<string, Func<long, string>>(StringComparer.Ordinal)
    {
        [NutNames.OutputFrequencyNominal] = v => v == 0 ? "50" : "60",
        [NutNames.UpsBeeperStatus] = v => v == 1 ? "disabled" : "enabled",
    };

    /// <summary>The blocks read on the wire: the whole read-only block in one request, as the vendor software does, and the read/write block.</summary>
    public static readonly ModbusReadBlock MainBlock = new(ModbusFunction.ReadHoldingRegisters, MainStart, MainCount);
    public static readonly ModbusReadBlock SlowBlock = new(ModbusFunction.ReadHoldingRegisters, SlowStart, SlowCount);

    /// <summary>Instant commands: name → (register, value), written with function 16 and a count of 1.</summary>
    public static readonly IReadOnlyDictionary<string, (ushort Register, ushort Value)> Commands = new Dictionary<string, (ushort, ushort)>
    {
        ["beeper.enable"] = (BeeperSetting, 0),
        ["beeper.disable"] = (BeeperSetting, 1),
        ["shutdown.return"] = (RemoteShutdown, 1),
    };

    /// <summary>Fault ids of register 30021 (maker's list first, then ids seen in the wild).</summary>
    public static readonly IReadOnlyDictionary<int, string> Faults = new Dictionary<int, string>
    {
        [2] = "Inverter over temperature", [3] = "Battery voltage too high", [4] = "Battery voltage too low",
        [5] = "Output short circuit", [6] = "Inverter output voltage high", [7] = "Overload", [11] = "Main relay failed",
        [41] = "Grid voltage low", [42] = "Grid voltage high", [43] = "Grid under frequency", [44] = "Grid over frequency",
        [45] = "AVR failed", [51] = "Inverter over current", [58] = "Inverter output voltage too low",
        [1] = "Fan locked while inverter off", [8] = "Inverter bus voltage too high", [9] = "Bus soft start failed",
        [21] = "Output voltage sensor error", [22] = "Grid voltage sensor error", [23] = "Output current sensor error",
        [24] = "Grid current sensor error", [25] = "Load current sensor error", [26] = "Grid over current",
        [27] = "Radiator over temperature", [31] = "Charger battery voltage class error", [32] = "Charger current sensor error",
        [33] = "Charger current uncontrollable", [52] = "Inverter bus voltage too low", [53] = "Inverter soft start failed",
        [54] = "DC voltage on AC output", [56] = "Battery connection open", [57] = "Control current sensor error",
        [61] = "Fan locked while inverter on", [62] = "Fan 2 locked while inverter on", [63] = "Battery over-charged",
        [64] = "Low battery", [67] = "Overload", [70] = "Output power derating", [72] = "Charger stopped: low battery",
        [73] = "Charger stopped: high PV voltage", [74] = "Charger stopped: overload", [75] = "Charger over temperature",
        [76] = "PV charger communication error", [77] = "Parameter error",
    };

    public static string FaultText(int id) => Faults.TryGetValue(id, out var text) ? $"Fault {id}: {text}" : $"Fault {id}: unknown fault";
}
