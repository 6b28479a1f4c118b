using Gateway.Configuration;

namespace Gateway.LiveApply;

/// <summary>Compares options records by value, setting by setting (<see cref="IFingerprinted"/>).</summary>
public static class ConfigFingerprint
{
    /// <summary>The value of an options record (a device by its own type) as one string.</summary>
    public static string Of(object options) => Writer(options).Render();

    public static bool Same(object a, object b) => a.GetType() == b.GetType() && Of(a) == Of(b);

    /// <summary>The top-level keys (snake_case, as in the YAML) whose values differ between two records of one type.</summary>
    public static IReadOnlyList<string> ChangedKeys(object before, object after)
    {
        var afterEntries = Writer(after).Entries;
        var b = afterEntries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var changed = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in Writer(before).Entries)
        {
            seen.Add(key);
            if (!b.TryGetValue(key, out var other) || other != value) changed.Add(key);
        }
        changed.AddRange(afterEntries.Select(e => e.Key).Where(k => !seen.Contains(k)));
        return changed;
    }

    private static FingerprintWriter Writer(object options) => options is IFingerprinted f
        ? FingerprintWriter.Of(f)
        : throw new ArgumentException($"{options.GetType().Name} has no fingerprint: implement IFingerprinted on it so a configuration change can be compared", nameof(options));
}
