using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Gateway.Configuration;

namespace Gateway.Migration;

/// <summary>
/// One value as YAML text: booleans, numbers (invariant, shortest round-trip), durations in the config's form
/// (<c>90s</c>, <c>15m</c>), and strings plain when YAML reads them back as the same string, else double-quoted.
/// </summary>
public static partial class YamlScalar
{
    public static string Render(object value) => value switch
    {
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        TimeSpan t => Duration.Format(t),
        string s => Text(s),
        _ => throw new ArgumentException($"no YAML form for a {value.GetType().Name}", nameof(value)),
    };

    public static string Text(string s) => PlainSafe().IsMatch(s) && !LooksTyped().IsMatch(s) ? s : Quoted(s);

    /// <summary>True when <paramref name="s"/> can be written without quotes and reads back as the same text (as a string or as the value it looks like).</summary>
    public static bool IsPlainSafe(string s) => PlainSafe().IsMatch(s);

    /// <summary>The text double-quoted, with YAML escapes.</summary>
    public static string Quoted(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Characters that never start or change the meaning of a plain scalar (no ':', '#', quotes, brackets).</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_/.][A-Za-z0-9_/.@+=~-]*( [A-Za-z0-9_/.@+=~-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainSafe();

    /// <summary>Plain scalars YAML would read as something other than a string (booleans, null, numbers).</summary>
    [GeneratedRegex(@"^(?i:y|n|yes|no|true|false|on|off|null|~|[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?|0x[0-9a-f]+|0o[0-7]+|\.inf|\.nan)$", RegexOptions.CultureInvariant)]
    private static partial Regex LooksTyped();
}
