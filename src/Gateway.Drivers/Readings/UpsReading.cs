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
        _variables = NutVariableTable.From(variables, NutNames.UpsStatus, status.ToString());
        _metrics = new UpsMetricsOnce(_variables);
    }

    private UpsReading(UpsReading source, NutVariableTable variables) : base(source)
    {
        Status = source.Status;
        _variables = variables;
        _metrics = new UpsMetricsOnce(variables);
    }

    private readonly NutVariableTable _variables;
    // A holder, not a lazily set field: a `with` copy shares it, so record equality never changes once metrics are read.
    private readonly UpsMetricsOnce _metrics;

    public UpsStatus Status { get; }

    /// <summary>NUT variables sorted by name (ordinal), as upsd lists them.</summary>
    public IReadOnlyDictionary<string, string> Variables => _variables;

    /// <summary>Built on first use: a reading that is only enriched (a copy with more variables) never parses its own.</summary>
    public override IReadOnlyList<Metric> Metrics => _metrics.Value;

    /// <summary>
    /// This reading with each of <paramref name="changes"/> added or replaced (the same device, time and status);
    /// <c>ups.status</c> cannot be one of them, it always follows <see cref="Status"/>.
    /// </summary>
    public UpsReading WithVariables(params ReadOnlySpan<KeyValuePair<string, string>> changes)
    {
        foreach (var (k, _) in changes)
            if (k == NutNames.UpsStatus) throw new ArgumentException($"'{NutNames.UpsStatus}' follows the reading's status; construct a new reading to change it.", nameof(changes));
        return new UpsReading(this, _variables.With(changes));
    }

    public string? Get(string name) => _variables.TryGetValue(name, out var v) ? v : null;

    public double? GetNumber(string name) =>
        _variables.TryGetValue(name, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;

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
    public static string FormatNumber(double value, int decimals = 1)
    {
        var rounded = Math.Round(value, decimals);
        return FormatFixed(rounded, decimals) ?? rounded.ToString("0.##########", CultureInfo.InvariantCulture);
    }

    private static readonly long[] PowersOfTen = [1, 10, 100, 1000];

    /// <summary>
    /// The common case without the custom-format parser (it is per variable and per reading): a non-negative value
    /// below 10⁹ already rounded to 0–3 decimals. When the double is the nearest one to k / 10^decimals it prints
    /// as exactly that decimal (at most 12 significant digits, well inside the 15 the custom format keeps), with
    /// trailing zeros dropped. Anything else (negative, −0, huge) returns null and takes the custom format.
    /// </summary>
    private static string? FormatFixed(double rounded, int decimals)
    {
        if ((uint)decimals >= (uint)PowersOfTen.Length || double.IsNegative(rounded) || !(rounded < 1e9)) return null;
        var scale = PowersOfTen[decimals];
        var k = (long)Math.Round(rounded * scale);
        if ((double)k / scale != rounded) return null;
        var whole = k / scale;
        var fraction = k % scale;
        Span<char> text = stackalloc char[24];
        whole.TryFormat(text, out var n, default, CultureInfo.InvariantCulture);
        if (fraction == 0) return new string(text[..n]);
        text[n++] = '.';
        for (var p = scale / 10; p > 0 && fraction > 0; p /= 10)
        {
            text[n++] = (char)('0' + fraction / p);
            fraction %= p;
        }
        return new string(text[..n]);
    }

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

    internal static Metric[] BuildMetrics(IReadOnlyDictionary<string, string> vars)
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
