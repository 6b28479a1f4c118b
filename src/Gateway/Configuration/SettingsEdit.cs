using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Yaml;

namespace Gateway.Configuration;

/// <summary>
/// Turns a change from the settings API (JSON with the YAML key names) into a new <see cref="SettingsOverlay"/> tree.
/// Secrets travel as a marker (<c>{"__secret_set__": true}</c>): the API never shows them, and a marker sent back means
/// "keep what is stored". A JSON <c>null</c> (or an empty string) returns a key to its default.
/// </summary>
public static class SettingsEdit
{
    public const string SecretMarker = "__secret_set__";

    /// <summary>Parses YAML into a mapping (empty for empty text). Throws <see cref="YamlException"/> on bad YAML.</summary>
    public static YamlMappingNode ParseTree(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new YamlMappingNode();
        var documents = YamlReader.ReadDocuments(text, ConfigLoader.MaxDepth);
        if (documents.Count == 0) return new YamlMappingNode();
        return documents[0] switch
        {
            YamlMappingNode m => m,
            var n when ConfigSection.IsNull(n) => new YamlMappingNode(),
            _ => throw new YamlException("the top level must be sections such as 'gateway:', 'devices:', 'mqtt:'"),
        };
    }

    /// <summary>The saved configuration (file with the overlay laid over it), as a new tree.</summary>
    public static YamlMappingNode Saved(YamlMappingNode file, YamlMappingNode overlay)
    {
        var saved = SettingsOverlay.CloneMapping(file);
        SettingsOverlay.Merge(saved, SettingsOverlay.CloneMapping(overlay));
        return saved;
    }

    /// <summary>PATCH: lays the JSON object over the overlay (changing it). Keys not named stay as they are.</summary>
    public static void Patch(YamlMappingNode overlay, YamlMappingNode saved, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (IsMarker(value)) continue;
            var savedChild = SettingsOverlay.Find(saved, key);
            if (value is JsonObject obj)
            {
                var target = SettingsOverlay.Find(overlay, key) as YamlMappingNode;
                if (target is null)
                {
                    target = new YamlMappingNode();
                    overlay.Children[new YamlScalarNode(key)] = target;
                }
                Patch(target, savedChild as YamlMappingNode ?? new YamlMappingNode(), obj);
                continue;
            }
            if (ToYaml(value, savedChild) is { } node) overlay.Children[new YamlScalarNode(key)] = node;
        }
    }

    /// <summary>
    /// PUT and restore: an overlay that makes the saved configuration exactly <paramref name="whole"/>: every key of the
    /// config file that <paramref name="whole"/> leaves out is set to null (its default). The data directory stays.
    /// </summary>
    public static YamlMappingNode Replace(YamlMappingNode whole, YamlMappingNode file)
    {
        var overlay = SettingsOverlay.CloneMapping(whole);
        NullMissing(overlay, file, top: true);
        return overlay;
    }

    /// <summary>A whole configuration in JSON (secret markers resolved from <paramref name="saved"/>) as a YAML tree.</summary>
    public static YamlMappingNode FromJson(JsonObject whole, YamlMappingNode saved) =>
        ToYaml(whole, saved) as YamlMappingNode ?? new YamlMappingNode();

    /// <summary>
    /// The data directory is fixed by the config file (the overlay lives in it): a change that repeats the current value
    /// is dropped, so a PUT of what GET returned is accepted; a different value stays and fails validation, saying why.
    /// </summary>
    public static void DropUnchangedDataDir(YamlMappingNode overlay, string currentDataDir)
    {
        if (SettingsOverlay.Find(overlay, "gateway") is not YamlMappingNode g) return;
        var key = new YamlScalarNode("data_dir");
        if (g.Children.TryGetValue(key, out var v) && v is YamlScalarNode s && (s.Value == currentDataDir || ConfigSection.IsNull(s)))
            g.Children.Remove(key);
        if (g.Children.Count == 0) overlay.Children.Remove(new YamlScalarNode("gateway"));
    }

    /// <summary>Replaces every secret's value with the marker: <c>{"__secret_set__": true}</c> when set, false when not.</summary>
    public static void MaskSecrets(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(kv => kv.Key).ToArray())
                {
                    var value = obj[key];
                    if (ConfigLoader.SecretKeys.Contains(key) && value is not JsonObject && value is not JsonArray)
                    {
                        var set = value is JsonValue v && v.TryGetValue<string>(out var str) && str.Length > 0;
                        obj[key] = new JsonObject { [SecretMarker] = set };
                    }
                    else MaskSecrets(value);
                }
                break;
            case JsonArray arr:
                foreach (var item in arr) MaskSecrets(item);
                break;
        }
    }

    public static bool IsMarker(JsonNode? node) => node is JsonObject o && o.Count == 1 && o.ContainsKey(SecretMarker);

    private static void NullMissing(YamlMappingNode overlay, YamlMappingNode file, bool top)
    {
        foreach (var (k, fileValue) in file.Children)
        {
            if (k is not YamlScalarNode ks || ks.Value is null) continue;
            var existing = SettingsOverlay.Find(overlay, ks.Value);
            if (existing is null)
            {
                if (!(top && ks.Value == "gateway")) overlay.Children[new YamlScalarNode(ks.Value)] = Null();
                else if (fileValue is YamlMappingNode fg)
                {
                    var g = new YamlMappingNode();
                    NullMissingGateway(g, fg);
                    if (g.Children.Count > 0) overlay.Children[new YamlScalarNode("gateway")] = g;
                }
            }
            else if (fileValue is YamlMappingNode fm && existing is YamlMappingNode om)
            {
                if (top && ks.Value == "gateway") NullMissingGateway(om, fm);
                else NullMissing(om, fm, top: false);
            }
        }
    }

    private static void NullMissingGateway(YamlMappingNode overlay, YamlMappingNode file)
    {
        foreach (var (k, _) in file.Children)
            if (k is YamlScalarNode { Value: { } key } && key != "data_dir" && SettingsOverlay.Find(overlay, key) is null)
                overlay.Children[new YamlScalarNode(key)] = Null();
    }

    private static YamlScalarNode Null() => new("null") { Style = ScalarStyle.Plain };

    /// <summary>A JSON value as a YAML node; null when it is a secret marker with nothing stored (the key is left out).</summary>
    private static YamlNode? ToYaml(JsonNode? json, YamlNode? saved)
    {
        switch (json)
        {
            case null:
                return Null();
            case JsonObject obj when IsMarker(obj):
                return saved is null ? null : SettingsOverlay.Clone(saved);
            case JsonObject obj:
            {
                var map = new YamlMappingNode();
                var savedMap = saved as YamlMappingNode;
                foreach (var (k, v) in obj)
                    if (ToYaml(v, savedMap is null ? null : SettingsOverlay.Find(savedMap, k)) is { } node) map.Children[new YamlScalarNode(k)] = node;
                return map;
            }
            case JsonArray arr:
            {
                var seq = new YamlSequenceNode();
                var savedSeq = saved as YamlSequenceNode;
                for (var i = 0; i < arr.Count; i++)
                    if (ToYaml(arr[i], MatchingItem(arr[i], savedSeq, i)) is { } node) seq.Children.Add(node);
                return seq;
            }
            case JsonValue v:
                return v.GetValueKind() switch
                {
                    JsonValueKind.String => Text(v.GetValue<string>()),
                    JsonValueKind.True => new YamlScalarNode("true") { Style = ScalarStyle.Plain },
                    JsonValueKind.False => new YamlScalarNode("false") { Style = ScalarStyle.Plain },
                    JsonValueKind.Number => new YamlScalarNode(v.ToJsonString()) { Style = ScalarStyle.Plain },
                    _ => Null(),
                };
            default:
                return Null();
        }
    }

    private static YamlNode Text(string s)
    {
        if (s.Length == 0) return Null();
        // "null" or "~" typed as text stays text.
        var style = ConfigSection.IsNull(new YamlScalarNode(s) { Style = ScalarStyle.Plain }) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
        return new YamlScalarNode(s) { Style = style };
    }

    /// <summary>The stored list item a JSON item stands for: the one with the same id or name, else the one at its index.</summary>
    private static YamlNode? MatchingItem(JsonNode? item, YamlSequenceNode? saved, int index)
    {
        if (saved is null) return null;
        if (item is JsonObject obj)
            foreach (var idKey in (string[])["id", "name"])
                if (obj[idKey] is JsonValue idv && idv.GetValueKind() == JsonValueKind.String && idv.GetValue<string>() is { Length: > 0 } id)
                {
                    foreach (var candidate in saved.Children)
                        if (candidate is YamlMappingNode m && SettingsOverlay.Find(m, idKey) is YamlScalarNode s && s.Value == id) return m;
                    return null;
                }
        return index < saved.Children.Count ? saved.Children[index] : null;
    }

}
