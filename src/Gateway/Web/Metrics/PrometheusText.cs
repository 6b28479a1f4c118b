using System.Globalization;
using System.Text;

namespace Gateway.Web.Metrics;

/// <summary>
/// Collects samples by metric family and writes Prometheus text exposition format 0.0.4: each family once,
/// HELP and TYPE first, its samples together, label values escaped, a duplicate series written only once.
/// </summary>
public sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly List<Family> _families = [];
    private readonly Dictionary<string, Family> _byName = new(StringComparer.Ordinal);

    public void Gauge(string name, string help, double value, params (string Name, string Value)[] labels) => Add(name, "gauge", help, value, labels);

    public void Counter(string name, string help, double value, params (string Name, string Value)[] labels) => Add(name, "counter", help, value, labels);

    /// <summary>Declares a family without samples yet (so HELP/TYPE appear even when no device reports it).</summary>
    public void Declare(string name, string type, string help) => FamilyOf(name, type, help);

    public void Add(string name, string type, string help, double value, (string Name, string Value)[] labels)
    {
        var family = FamilyOf(name, type, help);
        var sb = new StringBuilder(name.Length + 32);
        sb.Append(name);
        if (labels.Length > 0)
        {
            sb.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append(labels[i].Name).Append("=\"");
                EscapeLabelValue(sb, labels[i].Value);
                sb.Append('"');
            }
            sb.Append('}');
        }
        var series = sb.ToString();
        if (!family.Series.Add(series)) return;
        family.Lines.Add(series + " " + FormatValue(value));
    }

    public override string ToString()
    {
        var sb = new StringBuilder(16 * 1024);
        foreach (var f in _families)
        {
            sb.Append("# HELP ").Append(f.Name).Append(' ');
            EscapeHelp(sb, f.Help);
            sb.Append('\n');
            sb.Append("# TYPE ").Append(f.Name).Append(' ').Append(f.Type).Append('\n');
            foreach (var line in f.Lines) sb.Append(line).Append('\n');
        }
        return sb.ToString();
    }

    public static string FormatValue(double v) =>
        double.IsNaN(v) ? "NaN"
        : double.IsPositiveInfinity(v) ? "+Inf"
        : double.IsNegativeInfinity(v) ? "-Inf"
        : v.ToString("R", CultureInfo.InvariantCulture);

    private Family FamilyOf(string name, string type, string help)
    {
        if (_byName.TryGetValue(name, out var f))
        {
            if (f.Type != type) throw new InvalidOperationException($"metric {name} declared as {f.Type} and {type}");
            return f;
        }
        f = new Family(name, type, help);
        _byName[name] = f;
        _families.Add(f);
        return f;
    }

    private static void EscapeLabelValue(StringBuilder sb, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                default: sb.Append(c); break;
            }
        }
    }

    private static void EscapeHelp(StringBuilder sb, string help)
    {
        foreach (var c in help)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                default: sb.Append(c); break;
            }
        }
    }

    private sealed class Family(string name, string type, string help)
    {
        public string Name { get; } = name;
        public string Type { get; } = type;
        public string Help { get; } = help;
        public List<string> Lines { get; } = [];
        public HashSet<string> Series { get; } = new(StringComparer.Ordinal);
    }
}
