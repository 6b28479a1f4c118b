using Gateway.Drivers.Readings;

namespace Gateway.HomeAssistant;

/// <summary>The Home Assistant entities of an energy meter, keyed by <see cref="MeterKeys"/> metric keys.</summary>
public static class MeterEntities
{
    public const string PhaseSequence = "phase_sequence";

    private static readonly (string Quantity, string Label, string DeviceClass, string? Unit, string StateClass, int Precision)[] Quantities =
    [
        (MeterKeys.Voltage, "voltage", "voltage", "V", "measurement", 1),
        (MeterKeys.LineVoltage, "line voltage", "voltage", "V", "measurement", 1),
        (MeterKeys.Current, "current", "current", "A", "measurement", 2),
        (MeterKeys.Power, "power", "power", "W", "measurement", 0),
        (MeterKeys.ApparentPower, "apparent power", "apparent_power", "VA", "measurement", 0),
        (MeterKeys.ReactivePower, "reactive power", "reactive_power", "var", "measurement", 0),
        (MeterKeys.PowerFactor, "power factor", "power_factor", null, "measurement", 2),
        (MeterKeys.ImportEnergy, "import energy", "energy", "kWh", "total_increasing", 2),
    ];

    /// <summary>Every numeric meter entity, by metric key. Announced once the meter reports the value.</summary>
    public static IReadOnlyDictionary<string, HaEntity> ByMetric { get; } = Build();

    public static HaEntity PhaseSequenceEntity { get; } = new()
    {
        Component = HaComponents.Sensor, Key = PhaseSequence, Name = "Phase sequence", EntityCategory = "diagnostic", Icon = "mdi:sine-wave",
    };

    /// <summary>The state-document field for a metric key (<c>l1.voltage</c> → <c>l1_voltage</c>).</summary>
    public static string FieldOf(string metricKey) => metricKey.Replace('.', '_');

    private static Dictionary<string, HaEntity> Build()
    {
        var d = new Dictionary<string, HaEntity>(StringComparer.Ordinal);
        foreach (var scope in MeterKeys.Phases.Append(MeterKeys.Total))
        {
            var label = scope == MeterKeys.Total ? "Total" : scope.ToUpperInvariant();
            foreach (var q in Quantities)
            {
                var key = MeterKeys.Of(scope, q.Quantity);
                d[key] = new HaEntity
                {
                    Component = HaComponents.Sensor, Key = FieldOf(key), Name = $"{label} {q.Label}", DeviceClass = q.DeviceClass, Unit = q.Unit,
                    StateClass = q.StateClass, Precision = q.Precision,
                };
            }
        }
        Add(d, MeterKeys.Frequency, "Frequency", "frequency", "Hz", "measurement", 2);
        Add(d, MeterKeys.ImportEnergy, "Import energy", "energy", "kWh", "total_increasing", 2);
        Add(d, MeterKeys.ExportEnergy, "Export energy", "energy", "kWh", "total_increasing", 2);
        Add(d, MeterKeys.ImportReactiveEnergy, "Import reactive energy", "reactive_energy", "kvarh", "total_increasing", 2);
        Add(d, MeterKeys.ExportReactiveEnergy, "Export reactive energy", "reactive_energy", "kvarh", "total_increasing", 2);
        Add(d, MeterKeys.DemandPower, "Demand power", "power", "W", "measurement", 0);
        return d;
    }

    private static void Add(Dictionary<string, HaEntity> d, string key, string name, string deviceClass, string unit, string stateClass, int precision) =>
        d[key] = new HaEntity
        {
            Component = HaComponents.Sensor, Key = FieldOf(key), Name = name, DeviceClass = deviceClass, Unit = unit, StateClass = stateClass, Precision = precision,
        };
}
