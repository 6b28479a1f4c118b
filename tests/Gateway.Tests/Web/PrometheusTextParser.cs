using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Tests.Web;

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4, written from the format's specification:
/// HELP/TYPE before a family's samples and at most once each, samples of a family together, valid metric
/// and label names, only the \\ \" \n escapes, float values (NaN, +Inf, -Inf), no duplicate series, LF
/// line ends with a final newline. Throws <see cref="FormatException"/> with the line number on any breach.
/// </summary>
public static partial class PrometheusTextParser
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : "";
    }

    public sealed class Family(string name)
    {
        public string Name { get; } = name;
        public string? Help { get; set; }
        public string? Type { get; set; }
        public List<Sample> Samples { get; } = [];
    }

    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    public static IReadOnlyDictionary<string, Family> Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n')) throw new FormatException("the last line does not end with a newline");
        if (text.Contains('\r')) throw new FormatException("CR in the exposition: lines must end with LF only");
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i];
            var n = i + 1;
            if (line.Length == 0) continue;
            if (line[0] == '#')
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[0] == "#" && parts[1] is "HELP" or "TYPE")
                {
                    var name = parts[2];
                    if (!MetricName().IsMatch(name)) throw new FormatException($"line {n}: bad metric name '{name}' in {parts[1]}");
                    var f = Get(name);
                    if (f.Samples.Count > 0 || finished.Contains(name)) throw new FormatException($"line {n}: {parts[1]} for {name} after its samples");
                    if (parts[1] == "HELP")
                    {
                        if (f.Help is not null) throw new FormatException($"line {n}: second HELP for {name}");
                        f.Help = Unescape(parts.Length > 3 ? parts[3] : "", n, inLabel: false);
                    }
                    else
                    {
                        if (f.Type is not null) throw new FormatException($"line {n}: second TYPE for {name}");
                        if (parts.Length != 4 || !Types.Contains(parts[3])) throw new FormatException($"line {n}: bad TYPE line '{line}'");
                        f.Type = parts[3];
                    }
                }
                continue;
            }
            var sample = ParseSample(line, n);
            var family = Get(sample.Name);
            if (current != sample.Name)
            {
                if (current is not null) finished.Add(current);
                if (finished.Contains(sample.Name)) throw new FormatException($"line {n}: samples of {sample.Name} are not together");
                current = sample.Name;
            }
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}";
            if (!series.Add(key)) throw new FormatException($"line {n}: duplicate series {key}");
            family.Samples.Add(sample);
        }
        return families;

        Family Get(string name)
        {
            if (!families.TryGetValue(name, out var f)) families[name] = f = new Family(name);
            return f;
        }
    }

    private static Sample ParseSample(string line, int n)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
        var name = line[..i];
        if (!MetricName().IsMatch(name)) throw new FormatException($"line {n}: bad metric name '{name}'");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (i >= line.Length) throw new FormatException($"line {n}: unterminated label set");
                if (line[i] == '}') { i++; break; }
                var start = i;
                while (i < line.Length && line[i] != '=') i++;
                var label = line[start..i];
                if (!LabelName().IsMatch(label) || label.StartsWith("__", StringComparison.Ordinal)) throw new FormatException($"line {n}: bad label name '{label}'");
                if (i + 1 >= line.Length || line[i + 1] != '"') throw new FormatException($"line {n}: label {label} value is not quoted");
                i += 2;
                var raw = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length) throw new FormatException($"line {n}: unterminated value of label {label}");
                    var c = line[i];
                    if (c == '"') break;
                    if (c == '\\')
                    {
                        if (i + 1 >= line.Length) throw new FormatException($"line {n}: dangling backslash");
                        raw.Append(c).Append(line[i + 1]);
                        i += 2;
                        continue;
                    }
                    raw.Append(c);
                    i++;
                }
                i++;
                if (!labels.TryAdd(label, Unescape(raw.ToString(), n, inLabel: true))) throw new FormatException($"line {n}: label {label} twice");
                if (i < line.Length && line[i] == ',') i++;
                else if (i >= line.Length || line[i] != '}') throw new FormatException($"line {n}: expected ',' or '}}' after label {label}");
            }
        }
        if (i >= line.Length || line[i] != ' ') throw new FormatException($"line {n}: expected a space before the value");
        var rest = line[(i + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2 || rest[0].Length == 0) throw new FormatException($"line {n}: expected 'value [timestamp]', got '{line[(i + 1)..]}'");
        var value = rest[0] switch
        {
            "NaN" => double.NaN,
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            var v when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !v.Contains(',') => d,
            var v => throw new FormatException($"line {n}: bad value '{v}'"),
        };
        if (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            throw new FormatException($"line {n}: bad timestamp '{rest[1]}'");
        return new Sample(name, labels, value);
    }

    private static string Unescape(string s, int n, bool inLabel)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\') { sb.Append(s[i]); continue; }
            if (i + 1 >= s.Length) throw new FormatException($"line {n}: dangling backslash");
            var e = s[++i];
            sb.Append(e switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when inLabel => '"',
                _ => throw new FormatException($"line {n}: invalid escape '\\{e}'"),
            });
        }
        return sb.ToString();
    }
}
