using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;

namespace Gateway.Web;

/// <summary>Every metric key a device of each kind can have, with its unit (validates history queries).</summary>
public static class MetricCatalog
{
    private static readonly Dictionary<string, string> MeterUnits = BuildMeterUnits();

    public static string? UnitOf(DeviceKind kind, string key) =>
        kind == DeviceKind.Ups ? UpsReading.UnitOf(key) : MeterUnits.TryGetValue(key, out var u) ? u : null;

    // A meter reading with every value present lists every key the meter type can produce, with its unit.
    private static Dictionary<string, string> BuildMeterUnits()
    {
        var p = new MeterPhaseValues(1, 1, 1, 1, 1, 1, 1, 1);
        var full = new MeterReading("x", default, default)
        {
            L1 = p, L2 = p, L3 = p, Total = p,
            Frequency = 1, ImportEnergy = 1, ExportEnergy = 1, ImportReactiveEnergy = 1, ExportReactiveEnergy = 1, DemandPower = 1,
        };
        return UnitsOf(full.Metrics);
    }

    /// <summary>Key → unit (the first of a key). A loop, not LINQ: LINQ over the Metric struct is generic code of its own in the native binary.</summary>
    private static Dictionary<string, string> UnitsOf(IReadOnlyList<Metric> metrics)
    {
        var units = new Dictionary<string, string>(metrics.Count, StringComparer.Ordinal);
        foreach (var m in metrics) units.TryAdd(m.Key, m.Unit);
        return units;
    }

    /// <summary>The unit of <paramref name="key"/> in <paramref name="metrics"/>, or null.</summary>
    public static string? UnitIn(IReadOnlyList<Metric> metrics, string key)
    {
        foreach (var m in metrics)
            if (m.Key == key) return m.Unit;
        return null;
    }
}
