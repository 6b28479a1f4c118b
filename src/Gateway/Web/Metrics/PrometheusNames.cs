using Gateway.Drivers.Readings;

namespace Gateway.Web.Metrics;

/// <summary>
/// Maps a reading's metric key and unit to a Prometheus family: base units as suffixes (<c>_volts</c>,
/// <c>_watts</c>), energy as counters in joules (<c>_joules_total</c>), a meter's phase as a label.
/// </summary>
public static class PrometheusNames
{
    /// <param name="Name">The family name.</param>
    /// <param name="Counter">True for monotonic counters (energy), false for gauges.</param>
    /// <param name="Scale">Multiply the reading's value by this (kWh → J).</param>
    /// <param name="Phase">The <c>phase</c> label value, or null.</param>
    public readonly record struct Mapped(string Name, bool Counter, double Scale, string? Phase, string Help);

    public static Mapped Ups(Metric m)
    {
        var stem = m.Key.StartsWith("ups.", StringComparison.Ordinal) ? m.Key[4..] : m.Key;
        var (suffix, counter, scale, unitWords) = Unit(m.Unit);
        return new Mapped("ups_" + Clean(stem) + suffix, counter, scale, null, $"UPS NUT variable {m.Key}{unitWords}");
    }

    public static Mapped Meter(Metric m)
    {
        var (suffix, counter, scale, unitWords) = Unit(m.Unit);
        var dot = m.Key.IndexOf('.');
        if (dot < 0)
            return new Mapped("meter_" + Clean(m.Key) + suffix, counter, scale, null, $"Meter {m.Key.Replace('_', ' ')}{unitWords}");
        var scope = m.Key[..dot];
        var quantity = m.Key[(dot + 1)..];
        if (scope == MeterKeys.Total)
            return new Mapped("meter_total_" + Clean(quantity) + suffix, counter, scale, null, $"Meter system total {quantity.Replace('_', ' ')}{unitWords}");
        var phase = scope.ToUpperInvariant();
        if (quantity == MeterKeys.LineVoltage)
            phase = scope switch { "l1" => "L1-L2", "l2" => "L2-L3", "l3" => "L3-L1", _ => phase };
        // A per-phase energy counter would share its name with the meter's own counter: keep them apart.
        var prefix = counter ? "meter_phase_" : "meter_";
        return new Mapped(prefix + Clean(quantity) + suffix, counter, scale, phase, $"Meter {quantity.Replace('_', ' ')} per phase{unitWords}");
    }

    private static (string Suffix, bool Counter, double Scale, string Words) Unit(string unit) => unit switch
    {
        "V" => ("_volts", false, 1, ", volts"),
        "A" => ("_amperes", false, 1, ", amperes"),
        "W" => ("_watts", false, 1, ", watts"),
        "VA" => ("_voltamperes", false, 1, ", volt-amperes"),
        "var" => ("_voltamperes_reactive", false, 1, ", volt-amperes reactive"),
        "Hz" => ("_hertz", false, 1, ", hertz"),
        "s" => ("_seconds", false, 1, ", seconds"),
        "%" => ("_percent", false, 1, ", percent"),
        "°C" => ("_celsius", false, 1, ", degrees Celsius"),
        "kWh" => ("_joules_total", true, 3.6e6, ", joules (1 kWh = 3.6e6 J)"),
        "kvarh" => ("_varhours_total", true, 1000, ", var-hours"),
        "" => ("", false, 1, ""),
        _ => ("_" + Clean(unit.ToLowerInvariant()), false, 1, ", " + unit),
    };

    /// <summary>Keeps [a-z0-9_]; anything else becomes '_'.</summary>
    public static string Clean(string s)
    {
        Span<char> buf = stackalloc char[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            var c = char.ToLowerInvariant(s[i]);
            buf[i] = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '_';
        }
        return new string(buf);
    }
}
