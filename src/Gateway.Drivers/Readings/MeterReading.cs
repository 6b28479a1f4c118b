namespace Gateway.Drivers.Readings;

/// <summary>
/// An energy-meter reading (EM340 and similar): three phases, system totals and counters; or, for a device whose
/// register table is declared in the configuration (<c>type: modbus</c>), its <see cref="Values"/> under their own keys.
/// </summary>
public sealed record MeterReading : Reading
{
    public MeterReading(string deviceId, DateTimeOffset timestamp, TimeSpan maxAge) : base(deviceId, timestamp, maxAge) { }

    public MeterPhaseValues L1 { get; init; } = MeterPhaseValues.Empty;
    public MeterPhaseValues L2 { get; init; } = MeterPhaseValues.Empty;
    public MeterPhaseValues L3 { get; init; } = MeterPhaseValues.Empty;
    public MeterPhaseValues Total { get; init; } = MeterPhaseValues.Empty;
    public double? Frequency { get; init; }
    public double? ImportEnergy { get; init; }
    public double? ExportEnergy { get; init; }
    public double? ImportReactiveEnergy { get; init; }
    public double? ExportReactiveEnergy { get; init; }
    public double? DemandPower { get; init; }
    /// <summary>"L1-L2-L3", "L1-L3-L2", or null when unknown / single phase.</summary>
    public string? PhaseSequence { get; init; }
    /// <summary>Meter identity as probed: manufacturer, model, serial, firmware; null when unknown. Outputs show these, never a type name.</summary>
    public string? Manufacturer { get; init; }
    public string? Model { get; init; }
    public string? Serial { get; init; }
    public string? Firmware { get; init; }
    /// <summary>Values under keys chosen by the configuration (<c>type: modbus</c>); listed after the fixed ones in <see cref="Metrics"/>.</summary>
    public IReadOnlyList<Metric> Values { get; init; } = [];

    private IReadOnlyList<Metric>? _metrics;

    public override IReadOnlyList<Metric> Metrics => _metrics ??= BuildMetrics();

    public MeterPhaseValues Phase(int index) => index switch { 0 => L1, 1 => L2, 2 => L3, _ => throw new ArgumentOutOfRangeException(nameof(index)) };

    /// <summary>The metric keys of each scope (l1, l2, l3, total) in the order the metrics list them, joined once.</summary>
    private static readonly string[][] ScopeKeys = [.. new[] { "l1", "l2", "l3", MeterKeys.Total }.Select(s => new[]
    {
        MeterKeys.Of(s, MeterKeys.Voltage), MeterKeys.Of(s, MeterKeys.LineVoltage), MeterKeys.Of(s, MeterKeys.Current),
        MeterKeys.Of(s, MeterKeys.Power), MeterKeys.Of(s, MeterKeys.ApparentPower), MeterKeys.Of(s, MeterKeys.ReactivePower),
        MeterKeys.Of(s, MeterKeys.PowerFactor), MeterKeys.Of(s, MeterKeys.ImportEnergy),
    })];

    private Metric[] BuildMetrics()
    {
        var list = new List<Metric>(48);
        void AddScope(string[] k, MeterPhaseValues p)
        {
            Add(list, k[0], p.Voltage, "V");
            Add(list, k[1], p.LineVoltage, "V");
            Add(list, k[2], p.Current, "A");
            Add(list, k[3], p.Power, "W");
            Add(list, k[4], p.ApparentPower, "VA");
            Add(list, k[5], p.ReactivePower, "var");
            Add(list, k[6], p.PowerFactor, "");
            Add(list, k[7], p.ImportEnergy, "kWh");
        }
        AddScope(ScopeKeys[0], L1);
        AddScope(ScopeKeys[1], L2);
        AddScope(ScopeKeys[2], L3);
        AddScope(ScopeKeys[3], Total);
        Add(list, MeterKeys.Frequency, Frequency, "Hz");
        Add(list, MeterKeys.ImportEnergy, ImportEnergy, "kWh");
        Add(list, MeterKeys.ExportEnergy, ExportEnergy, "kWh");
        Add(list, MeterKeys.ImportReactiveEnergy, ImportReactiveEnergy, "kvarh");
        Add(list, MeterKeys.ExportReactiveEnergy, ExportReactiveEnergy, "kvarh");
        Add(list, MeterKeys.DemandPower, DemandPower, "W");
        foreach (var m in Values) Add(list, m.Key, m.Value, m.Unit);
        return list.ToArray();
    }

    private static void Add(List<Metric> list, string key, double? value, string unit)
    {
        if (value is { } v && double.IsFinite(v)) list.Add(new Metric(key, v, unit));
    }
}
