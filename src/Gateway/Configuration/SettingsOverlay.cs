using System.Globalization;
using Gateway.Yaml;

namespace Gateway.Configuration;

/// <summary>
/// The settings the web pages save: <c>settings.yaml</c> in the data directory, laid over the user's own config file
/// key by key (sections merge, a list or a value replaces, an explicit <c>null</c> returns a key to its default).
/// Precedence, lowest first: defaults, the config file, this overlay, the environment, <c>--set</c>.
/// </summary>
/// <remarks>
/// Why an overlay rather than rewriting config.yaml: the packaged service cannot write /etc/gateway (ProtectSystem=strict,
/// the file is root:gateway 0640), and the user's file keeps its comments and layout untouched. The data directory is the
/// service's own, so the overlay can always be written; it lives beside the rest of the gateway's state.
/// </remarks>
public static class SettingsOverlay
{
    public const string FileName = "settings.yaml";

    public static string PathIn(string dataDir) => Path.Combine(dataDir, FileName);

    /// <summary>The data directory the configuration names (where the overlay lives): <c>--set</c>, then the environment, then the file, then the default.</summary>
    public static string DataDirOf(YamlMappingNode fileRoot, IReadOnlyDictionary<string, string> env, IReadOnlyList<string> overrides)
    {
        string? fromSet = null;
        foreach (var o in overrides)
        {
            var eq = o.IndexOf('=');
            if (eq > 0 && o[..eq].Trim() == "gateway.data_dir") fromSet = o[(eq + 1)..];
        }
        if (!string.IsNullOrEmpty(fromSet)) return fromSet;
        if (env.TryGetValue(ConfigLoader.EnvPrefix + "GATEWAY__DATA_DIR", out var fromEnv) && fromEnv.Length > 0) return fromEnv;
        if (Find(fileRoot, "gateway") is YamlMappingNode g && Find(g, "data_dir") is YamlScalarNode s && !ConfigSection.IsNull(s) && s.Value is { Length: > 0 } dir)
            return dir;
        return GatewayOptions.DefaultDataDir();
    }

    /// <summary>Lays <paramref name="overlay"/> over <paramref name="target"/> (changing it): mappings merge key by key, anything else replaces.</summary>
    public static void Merge(YamlMappingNode target, YamlMappingNode overlay)
    {
        foreach (var (key, value) in overlay.Children)
        {
            if (value is YamlMappingNode over && target.Children.TryGetValue(key, out var existing) && existing is YamlMappingNode under)
                Merge(under, over);
            else
                target.Children[key] = value;
        }
    }

    /// <summary>A deep copy (the loader's trees are changed in place by merging and overrides).</summary>
    public static YamlNode Clone(YamlNode node) => node switch
    {
        YamlMappingNode m => CloneMapping(m),
        YamlSequenceNode s => new YamlSequenceNode(s.Children.Select(Clone)),
        YamlScalarNode sc => new YamlScalarNode(sc.Value) { Style = sc.Style },
        _ => new YamlScalarNode(null),
    };

    public static YamlMappingNode CloneMapping(YamlMappingNode m)
    {
        var copy = new YamlMappingNode();
        foreach (var (k, v) in m.Children) copy.Children[Clone(k)] = Clone(v);
        return copy;
    }

    /// <summary>The value of a key of a mapping, or null.</summary>
    public static YamlNode? Find(YamlMappingNode map, string key)
    {
        foreach (var (k, v) in map.Children)
            if (k is YamlScalarNode ks && ks.Value == key) return v;
        return null;
    }

    /// <summary>
    /// Writes a tree as YAML text (block style, no anchors). Written here rather than by YamlDotNet's emitter: that
    /// emitter builds a <see cref="System.Text.RegularExpressions.Regex"/> at run time, which pulls the regex
    /// interpreter into the binary (bench/results.md, binary size). Scalars keep their meaning: quoted ones stay quoted
    /// (text "null" stays text), plain ones stay plain when they can (numbers, true/false, null), anything else is
    /// double-quoted.
    /// </summary>
    public static string ToYaml(YamlMappingNode root, string? header = null)
    {
        var w = new StringWriter { NewLine = "\n" };
        if (header is not null)
            foreach (var line in header.Split('\n')) w.WriteLine($"# {line}".TrimEnd());
        if (root.Children.Count == 0)
        {
            w.WriteLine("{}");
            return w.ToString();
        }
        foreach (var line in BlockLines(root)) w.WriteLine(line);
        return w.ToString();
    }

    private static IEnumerable<string> BlockLines(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode { Children.Count: > 0 } map:
                foreach (var (k, v) in map.Children)
                {
                    var key = Scalar(k as YamlScalarNode ?? new YamlScalarNode(null)) + ":";
                    if (IsBlock(v))
                    {
                        yield return key;
                        // a list under a key is not indented (the usual layout), a mapping is
                        var pad = v is YamlSequenceNode ? "" : "  ";
                        foreach (var line in BlockLines(v)) yield return pad + line;
                    }
                    else yield return key + " " + Inline(v);
                }
                break;
            case YamlSequenceNode { Children.Count: > 0 } seq:
                foreach (var item in seq.Children)
                {
                    if (!IsBlock(item))
                    {
                        yield return "- " + Inline(item);
                        continue;
                    }
                    var first = true;
                    foreach (var line in BlockLines(item))
                    {
                        yield return (first ? "- " : "  ") + line;
                        first = false;
                    }
                }
                break;
            default:
                yield return Inline(node);
                break;
        }
    }

    private static bool IsBlock(YamlNode n) => n is YamlMappingNode { Children.Count: > 0 } or YamlSequenceNode { Children.Count: > 0 };

    private static string Inline(YamlNode n) => n switch
    {
        YamlMappingNode => "{}",
        YamlSequenceNode => "[]",
        YamlScalarNode s => Scalar(s),
        _ => "null",
    };

    private static string Scalar(YamlScalarNode s)
    {
        if (s.Value is null) return "null";
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted)
            return Migration.YamlScalar.Quoted(s.Value);
        if (ConfigSection.IsNull(s)) return s.Value.Length == 0 ? "null" : s.Value;
        var plain = Migration.YamlScalar.IsPlainSafe(s.Value)
            || double.TryParse(s.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out _);
        return plain ? s.Value : Migration.YamlScalar.Quoted(s.Value);
    }
}
