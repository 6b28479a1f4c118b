using System.Globalization;
using System.Text;

namespace Gateway.Configuration;

/// <summary>
/// Collects the settings of one options record as (snake_case key, canonical text) pairs. The text is JSON-like:
/// strings quoted and escaped, lists and nested records bracketed, null distinct from empty, numbers in the invariant
/// culture (doubles round-trip), durations in ticks, so two different values never render the same.
/// </summary>
public sealed class FingerprintWriter
{
    private readonly List<KeyValuePair<string, string>> _entries = [];

    /// <summary>The settings in the order the record wrote them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries => _entries;

    public static FingerprintWriter Of(IFingerprinted record)
    {
        var w = new FingerprintWriter();
        record.WriteFingerprint(w);
        return w;
    }

    /// <summary>The whole record as one string: <c>{"key":value,...}</c>.</summary>
    public string Render()
    {
        var sb = new StringBuilder("{");
        for (var i = 0; i < _entries.Count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(Quote(_entries[i].Key)).Append(':').Append(_entries[i].Value);
        }
        return sb.Append('}').ToString();
    }

    public void Add(string key, string? value) => Raw(key, value is null ? "null" : Quote(value));
    public void Add(string key, bool value) => Raw(key, value ? "true" : "false");
    public void Add(string key, bool? value) => Raw(key, value is { } v ? (v ? "true" : "false") : "null");
    public void Add(string key, long value) => Raw(key, value.ToString(CultureInfo.InvariantCulture));
    public void Add(string key, long? value) => Raw(key, value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "null");
    public void Add(string key, double value) => Raw(key, Number(value));
    public void Add(string key, double? value) => Raw(key, value is { } v ? Number(v) : "null");
    public void Add(string key, TimeSpan value) => Raw(key, value.Ticks.ToString(CultureInfo.InvariantCulture));
    public void Add(string key, TimeSpan? value) => Raw(key, value is { } v ? v.Ticks.ToString(CultureInfo.InvariantCulture) : "null");
    public void Add(string key, DateOnly? value) => Raw(key, value is { } v ? v.DayNumber.ToString(CultureInfo.InvariantCulture) : "null");
    public void Add(string key, TimeOnly value) => Raw(key, value.Ticks.ToString(CultureInfo.InvariantCulture));
    public void Add(string key, byte[]? value) => Raw(key, value is null ? "null" : Quote(Convert.ToHexString(value)));
    public void Add(string key, IFingerprinted? value) => Raw(key, value is null ? "null" : Of(value).Render());

    public void Add(string key, IReadOnlyList<string>? values)
    {
        if (values is null) { Raw(key, "null"); return; }
        var sb = new StringBuilder("[");
        for (var i = 0; i < values.Count; i++) sb.Append(i > 0 ? "," : "").Append(values[i] is { } s ? Quote(s) : "null");
        Raw(key, sb.Append(']').ToString());
    }

    public void Add<T>(string key, IReadOnlyList<T>? values) where T : IFingerprinted
    {
        if (values is null) { Raw(key, "null"); return; }
        var sb = new StringBuilder("[");
        for (var i = 0; i < values.Count; i++) sb.Append(i > 0 ? "," : "").Append(values[i] is { } v ? Of(v).Render() : "null");
        Raw(key, sb.Append(']').ToString());
    }

    /// <summary>A nested record that cannot implement <see cref="IFingerprinted"/> (it lives in Gateway.Drivers).</summary>
    public void Add<T>(string key, T? value, Action<T, FingerprintWriter> write) where T : class
    {
        if (value is null) { Raw(key, "null"); return; }
        var inner = new FingerprintWriter();
        write(value, inner);
        Raw(key, inner.Render());
    }

    private void Raw(string key, string text) => _entries.Add(new(key, text));

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
