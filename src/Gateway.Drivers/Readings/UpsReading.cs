using System.Collections.Frozen;
using System.Globalization;

namespace Gateway.Drivers.Readings;

/// <summary>
/// A UPS reading in NUT vocabulary. <see cref="Variables"/> holds every NUT variable the device reported
/// (always including <c>ups.status</c>, built only from standard flags), so the NUT server, MQTT and the
/// web all say the same thing the same way.
/// </summary>
public sealed record UpsReading : Reading
{
    public UpsReading(string deviceId, DateTimeOffset timestamp, TimeSpan maxAge, UpsStatus status, IReadOnlyDictionary<string, string> variables)
        : base(deviceId, timestamp, maxAge)
    {
        Status = status;
        var vars = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in variables) vars[k] = v;
        vars[NutNames.UpsStatus] = status.ToString();
        Variables = vars;
        _metrics = BuildMetrics(vars);
    }

    private readonly IReadOnlyList<Metric> _metrics;

    public UpsStatus Status { get; }

    /// <summary>NUT variables sorted by name (ordinal), as upsd lists them.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; }

    public override IReadOnlyList<Metric> Metrics => _metrics;

    public string? Get(string name) => Variables.TryGetValue(name, out var v) ? v : null;

    public double? GetNumber(string name) =>
        Variables.TryGetValue(name, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;

    public double? BatteryCharge => GetNumber(NutNames.BatteryCharge);
    public double? BatteryRuntimeSeconds => GetNumber(NutNames.BatteryRuntime);
    public double? InputVoltage => GetNumber(NutNames.InputVoltage);
    public double? Load => GetNumber(NutNames.UpsLoad);
    public double? Temperature => GetNumber(NutNames.UpsTemperature);
    public string? Alarm => Get(NutNames.UpsAlarm);

    /// <summary>The serial number, when the device reports a real one (ignores "unknown", blanks and all zeros).</summary>
    public string? Serial
    {
        get
        {
            var s = Get(NutNames.DeviceSerial) ?? Get(NutNames.UpsSerial);
            if (string.IsNullOrWhiteSpace(s)) return null;
            s = s.Trim();
            if (s.Equals("unknown", StringComparison.OrdinalIgnoreCase) || s.Equals("blank", StringComparison.OrdinalIgnoreCase) || s.All(c => c == '0')) return null;
            return s;
        }
    }

    /// <summary>Formats a number the way NUT does: dot decimal, no exponent, no thousands separator.</summary>
    public static string FormatNumber(double value, int decimals = 1) =>
        Math.Round(value, decimals).ToString("0.##########", CultureInfo.InvariantCulture);

    private static readonly FrozenDictionary<string, string> Units = new Dictionary<string, string>
    {
        [NutNames.BatteryCharge] = "%", [NutNames.BatteryChargeLow] = "%", [NutNames.BatteryRuntime] = "s", [NutNames.BatteryRuntimeLow] = "s",
        [NutNames.BatteryVoltage] = "V", [NutNames.BatteryVoltageNominal] = "V", [NutNames.BatteryVoltageLow] = "V", [NutNames.BatteryVoltageHigh] = "V",
        [NutNames.BatteryCurrent] = "A", [NutNames.BatteryTemperature] = "°C",
        [NutNames.InputVoltage] = "V", [NutNames.InputVoltageNominal] = "V", [NutNames.InputFrequency] = "Hz", [NutNames.InputFrequencyNominal] = "Hz",
        [NutNames.OutputVoltage] = "V", [NutNames.OutputVoltageNominal] = "V", [NutNames.OutputFrequency] = "Hz", [NutNames.OutputFrequencyNominal] = "Hz",
        [NutNames.OutputCurrent] = "A", [NutNames.UpsLoad] = "%", [NutNames.UpsRealPower] = "W", [NutNames.UpsRealPowerNominal] = "W",
        [NutNames.UpsPower] = "VA", [NutNames.UpsPowerNominal] = "VA", [NutNames.UpsTemperature] = "°C",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The unit of a standard NUT variable, or null when it has none or is not numeric.</summary>
    public static string? UnitOf(string name) => Units.TryGetValue(name, out var u) ? u : null;

    private static Metric[] BuildMetrics(IReadOnlyDictionary<string, string> vars)
    {
        var list = new List<Metric>(Units.Count);
        foreach (var (name, text) in vars)
        {
            if (!Units.TryGetValue(name, out var unit)) continue;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                list.Add(new Metric(name, d, unit));
        }
        return list.ToArray();
    }
}
