using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Yaml;

namespace Gateway.Configuration;

/// <summary>
/// A mapping in the YAML tree, read key by key. Every read records the key as known; a value of the wrong
/// type or out of range is reported (file, line, key, reason) and the default is used so binding goes on and
/// every problem is found in one pass. Keys nobody read are reported as unknown at the end. Every value a binder
/// reads is also recorded, defaults included, under its YAML name (<see cref="ConfigContext.Effective"/>): the
/// effective configuration the settings API shows.
/// </summary>
public sealed class ConfigSection
{
    private readonly ConfigContext _ctx;
    private readonly YamlMappingNode? _node;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly JsonObject _effective;

    internal ConfigSection(ConfigContext ctx, string path, YamlMappingNode? node, YamlNode? anchor, JsonObject? effective = null)
    {
        _ctx = ctx;
        _effective = effective ?? new JsonObject();
        Path = path;
        _node = node;
        Anchor = anchor ?? node;
        ctx.Register(this);
    }

    public string Path { get; }
    public bool Exists => _node is not null;
    public ConfigContext Context => _ctx;
    /// <summary>The node used to locate errors about the section as a whole.</summary>
    public YamlNode? Anchor { get; }

    public static ConfigSection Root(ConfigContext ctx, YamlMappingNode? node) => new(ctx, "", node, node, ctx.Effective);

    private T Record<T>(string key, T value, JsonNode? shown)
    {
        _effective[key] = shown;
        return value;
    }

    public string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public bool Has(string key)
    {
        _known.Add(key);
        return Find(key) is { } n && !IsNull(n);
    }

    /// <summary>The node of a key, for reporting cross-reference errors at the right line.</summary>
    public YamlNode? NodeOf(string key) => Find(key) ?? Anchor;

    public void Error(string key, string message) => _ctx.Error(NodeOf(key), KeyPath(key), message);
    public void Warning(string key, string message) => _ctx.Warning(NodeOf(key), KeyPath(key), message);

    public string? OptionalString(string key)
    {
        var s = Scalar(key);
        var v = s?.Value;
        return Record(key, v, v is null ? null : JsonValue.Create(v));
    }

    public string String(string key, string defaultValue)
    {
        var v = OptionalString(key) ?? defaultValue;
        return Record(key, v, JsonValue.Create(v));
    }

    public string RequiredString(string key)
    {
        var s = OptionalString(key);
        if (string.IsNullOrWhiteSpace(s))
        {
            _ctx.Error(Anchor, KeyPath(key), "is required");
            return "";
        }
        return s;
    }

    public int Int(string key, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var v = LongCore(key, min, max) is { } l ? (int)l : defaultValue;
        return Record(key, v, JsonValue.Create(v));
    }

    /// <summary>A whole number that may not fit an int (a 32-bit marker such as 0xFFFFFFFF); null when absent or bad (reported).</summary>
    public long? Long(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        var v = LongCore(key, min, max);
        return Record(key, v, v is { } l ? JsonValue.Create(l) : null);
    }

    private long? LongCore(string key, long min, long max)
    {
        var s = Scalar(key);
        if (s is null) return null;
        if (!TryParseInteger(s.Value, out var v))
        {
            _ctx.Error(s, KeyPath(key), $"expected a whole number, got '{s.Value}'");
            return null;
        }
        if (v < min || v > max)
        {
            _ctx.Error(s, KeyPath(key), $"must be between {min} and {max}, got {v}");
            return null;
        }
        return v;
    }

    /// <summary>Decimal (<c>72</c>, <c>-5</c>) or hexadecimal with 0x (<c>0x0048</c>), as register addresses are written in data sheets.</summary>
    public static bool TryParseInteger(string? text, out long value)
    {
        value = 0;
        if (text is null) return false;
        var t = text.Trim().Replace("_", "", StringComparison.Ordinal);
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return t.Length > 2 && long.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value >= 0;
        return long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public double Double(string key, double defaultValue, double min = double.MinValue, double max = double.MaxValue)
    {
        var v = DoubleCore(key, defaultValue, min, max);
        return Record(key, v, JsonValue.Create(v));
    }

    private double DoubleCore(string key, double defaultValue, double min, double max)
    {
        var s = Scalar(key);
        if (s is null) return defaultValue;
        if (!double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
        {
            _ctx.Error(s, KeyPath(key), $"expected a number, got '{s.Value}'");
            return defaultValue;
        }
        if (v < min || v > max)
        {
            _ctx.Error(s, KeyPath(key), $"must be between {Fmt(min)} and {Fmt(max)}, got {Fmt(v)}");
            return defaultValue;
        }
        return v;
    }

    public bool Bool(string key, bool defaultValue)
    {
        var v = BoolCore(key, defaultValue);
        return Record(key, v, JsonValue.Create(v));
    }

    private bool BoolCore(string key, bool defaultValue)
    {
        var s = Scalar(key);
        if (s is null) return defaultValue;
        switch ((s.Value ?? "").ToLowerInvariant())
        {
            case "true" or "yes" or "on": return true;
            case "false" or "no" or "off": return false;
            default:
                _ctx.Error(s, KeyPath(key), $"expected true or false, got '{s.Value}'");
                return defaultValue;
        }
    }

    public TimeSpan Duration(string key, TimeSpan defaultValue, TimeSpan? min = null, TimeSpan? max = null)
    {
        var v = DurationCore(key, defaultValue, min, max);
        return Record(key, v, JsonValue.Create(Configuration.Duration.Format(v)));
    }

    private TimeSpan DurationCore(string key, TimeSpan defaultValue, TimeSpan? min, TimeSpan? max)
    {
        var s = Scalar(key);
        if (s is null) return defaultValue;
        if (!Configuration.Duration.TryParse(s.Value, out var v))
        {
            _ctx.Error(s, KeyPath(key), $"expected a duration such as 500ms, 90s, 10m or 1h, got '{s.Value}'");
            return defaultValue;
        }
        if ((min is { } lo && v < lo) || (max is { } hi && v > hi))
        {
            var range = (min, max) switch
            {
                ({ } a, { } b) => $"between {Configuration.Duration.Format(a)} and {Configuration.Duration.Format(b)}",
                ({ } a, null) => $"at least {Configuration.Duration.Format(a)}",
                (null, { } b) => $"at most {Configuration.Duration.Format(b)}",
                _ => "",
            };
            _ctx.Error(s, KeyPath(key), $"must be {range}, got {s.Value}");
            return defaultValue;
        }
        return v;
    }

    /// <summary>One of a fixed set of words (case-insensitive); returns the canonical spelling from <paramref name="allowed"/>.</summary>
    public string Choice(string key, string defaultValue, params string[] allowed)
    {
        var v = ChoiceCore(key, defaultValue, allowed);
        return Record(key, v, JsonValue.Create(v));
    }

    private string ChoiceCore(string key, string defaultValue, string[] allowed)
    {
        var s = Scalar(key);
        if (s is null) return defaultValue;
        foreach (var a in allowed)
            if (string.Equals(a, s.Value, StringComparison.OrdinalIgnoreCase)) return a;
        _ctx.Error(s, KeyPath(key), $"expected one of {string.Join(", ", allowed)}, got '{s.Value}'{DidYouMean.Hint(s.Value ?? "", allowed, Math.Max(2, (s.Value ?? "").Length / 3))}");
        return defaultValue;
    }

    public ConfigSection Section(string key)
    {
        _known.Add(key);
        var effective = new JsonObject();
        _effective[key] = effective;
        var n = Find(key);
        if (n is null || IsNull(n)) return new ConfigSection(_ctx, KeyPath(key), null, Anchor, effective);
        if (n is YamlMappingNode m) return new ConfigSection(_ctx, KeyPath(key), m, m, effective);
        _ctx.Error(n, KeyPath(key), "expected a section of 'key: value' lines");
        return new ConfigSection(_ctx, KeyPath(key), null, n, effective);
    }

    /// <summary>A list of sections (a YAML sequence of mappings).</summary>
    public IReadOnlyList<ConfigSection> Sections(string key)
    {
        _known.Add(key);
        var effective = new JsonArray();
        _effective[key] = effective;
        var n = Find(key);
        if (n is null || IsNull(n)) return [];
        if (n is not YamlSequenceNode seq)
        {
            _ctx.Error(n, KeyPath(key), "expected a list ('- ' items)");
            return [];
        }
        var list = new List<ConfigSection>(seq.Children.Count);
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var item = seq.Children[i];
            if (item is YamlMappingNode m)
            {
                var itemEffective = new JsonObject();
                effective.Add((JsonNode)itemEffective);
                list.Add(new ConfigSection(_ctx, $"{KeyPath(key)}[{i}]", m, m, itemEffective));
            }
            else _ctx.Error(item, $"{KeyPath(key)}[{i}]", "expected a section of 'key: value' lines");
        }
        return list;
    }

    /// <summary>A list of words: a YAML sequence of scalars, or one comma-separated scalar (handy in env vars).</summary>
    public IReadOnlyList<string> Strings(string key, IReadOnlyList<string> defaultValue)
    {
        var v = StringsCore(key, defaultValue);
        return Record(key, v, new JsonArray([.. v.Select(x => (JsonNode?)JsonValue.Create(x))]));
    }

    private IReadOnlyList<string> StringsCore(string key, IReadOnlyList<string> defaultValue)
    {
        _known.Add(key);
        var n = Find(key);
        if (n is null || IsNull(n)) return defaultValue;
        if (n is YamlScalarNode sc)
            return (sc.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (n is YamlSequenceNode seq)
        {
            var list = new List<string>(seq.Children.Count);
            foreach (var item in seq.Children)
            {
                if (item is YamlScalarNode s && s.Value is not null) list.Add(s.Value);
                else _ctx.Error(item, KeyPath(key), "expected a list of plain values");
            }
            return list;
        }
        _ctx.Error(n, KeyPath(key), "expected a list of values");
        return defaultValue;
    }

    private bool _skipUnknownKeys;

    /// <summary>Used when the section's shape is unknown (e.g. a device without a valid type): its other keys are not reported.</summary>
    public void SkipUnknownKeyCheck() => _skipUnknownKeys = true;

    /// <summary>Every key a binder asked this section for (documentation checks use it).</summary>
    internal IReadOnlyCollection<string> KnownKeys => _known;

    internal void ReportUnknownKeys()
    {
        if (_node is null || _skipUnknownKeys) return;
        foreach (var (k, _) in _node.Children)
        {
            if (k is not YamlScalarNode ks || ks.Value is null) continue;
            if (_known.Contains(ks.Value)) continue;
            var hint = Suggest(ks.Value);
            _ctx.Error(ks, KeyPath(ks.Value), hint is null ? "unknown key" : $"unknown key (did you mean '{hint}'?)");
        }
    }

    private string? Suggest(string unknown) => DidYouMean.Closest(unknown, _known, Math.Max(2, unknown.Length / 3));

    private YamlScalarNode? Scalar(string key)
    {
        _known.Add(key);
        var n = Find(key);
        if (n is null || IsNull(n)) return null;
        if (n is YamlScalarNode s) return s;
        _ctx.Error(n, KeyPath(key), "expected a single value, got a section or list");
        return null;
    }

    private YamlNode? Find(string key)
    {
        if (_node is null) return null;
        foreach (var (k, v) in _node.Children)
            if (k is YamlScalarNode ks && ks.Value == key) return v;
        return null;
    }

    internal static bool IsNull(YamlNode n) =>
        n is YamlScalarNode { Style: not (ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted) } s
        && (string.IsNullOrEmpty(s.Value) || s.Value is "~" or "null" or "Null" or "NULL");

    private static string Fmt(double d) => d.ToString("0.###", CultureInfo.InvariantCulture);
}
