using System.Text.Json;

namespace Gateway.LiveApply;

/// <summary>Compares options records by value, through their JSON form.</summary>
public static class ConfigFingerprint
{
    /// <summary>The value of an options record (a device by its own type) as one string.</summary>
    public static string Of(object options) =>
        JsonSerializer.Serialize(options, options.GetType(), ConfigFingerprintJsonContext.Default);

    public static bool Same(object a, object b) => a.GetType() == b.GetType() && Of(a) == Of(b);

    /// <summary>The top-level keys (snake_case, as in the YAML) whose values differ between two records of one type.</summary>
    public static IReadOnlyList<string> ChangedKeys(object before, object after)
    {
        using var a = JsonDocument.Parse(Of(before));
        using var b = JsonDocument.Parse(Of(after));
        var changed = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in a.RootElement.EnumerateObject())
        {
            seen.Add(p.Name);
            if (!b.RootElement.TryGetProperty(p.Name, out var other) || other.GetRawText() != p.Value.GetRawText()) changed.Add(p.Name);
        }
        foreach (var p in b.RootElement.EnumerateObject())
            if (!seen.Contains(p.Name)) changed.Add(p.Name);
        return changed;
    }
}
