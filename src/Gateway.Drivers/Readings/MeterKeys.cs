namespace Gateway.Drivers.Readings;

/// <summary>Stable metric keys of an energy meter reading (per phase: <c>l1.voltage</c>; system: <c>total.power</c>).</summary>
public static class MeterKeys
{
    public const string Voltage = "voltage";            // L-N, V
    public const string LineVoltage = "line_voltage";   // L-L (L1-L2, L2-L3, L3-L1 for l1, l2, l3), V
    public const string Current = "current";            // A
    public const string Power = "power";                // W (signed in mode B: negative = export)
    public const string ApparentPower = "apparent_power"; // VA
    public const string ReactivePower = "reactive_power"; // var
    public const string PowerFactor = "power_factor";   // 0..1 (signed)
    public const string ImportEnergy = "import_energy"; // kWh
    public const string ExportEnergy = "export_energy"; // kWh
    public const string ImportReactiveEnergy = "import_reactive_energy"; // kvarh
    public const string ExportReactiveEnergy = "export_reactive_energy"; // kvarh
    public const string Frequency = "frequency";        // Hz
    public const string DemandPower = "demand_power";   // W

    public static readonly string[] Phases = ["l1", "l2", "l3"];
    public const string Total = "total";

    public static string Of(string scope, string quantity) => scope + "." + quantity;
}
