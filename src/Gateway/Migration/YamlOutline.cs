using System.Text;

namespace Gateway.Migration;

/// <summary>
/// A YAML mapping built in order and written in block style with comments, for configurations that an import writes
/// for a person to read and edit. Values: bool, int, long, double, string, <see cref="TimeSpan"/>, a nested
/// <see cref="YamlOutline"/>, or a list of those.
/// </summary>
public sealed class YamlOutline
{
    private readonly List<YamlOutlineEntry> _entries = [];
    private readonly List<string> _header = [];

    public IReadOnlyList<YamlOutlineEntry> Entries => _entries;

    /// <summary>Sets a key (replacing it where it already is, else appending).</summary>
    public YamlOutline Set(string key, object value, string? comment = null)
    {
        var i = _entries.FindIndex(e => e.Key == key);
        var entry = new YamlOutlineEntry(key, value, comment);
        if (i >= 0) _entries[i] = entry;
        else _entries.Add(entry);
        return this;
    }

    /// <summary>The nested mapping under <paramref name="key"/>, created (appended) when missing.</summary>
    public YamlOutline Section(string key)
    {
        if (_entries.Find(e => e.Key == key)?.Value is YamlOutline existing) return existing;
        var created = new YamlOutline();
        Set(key, created);
        return created;
    }

    public object? Get(string key) => _entries.Find(e => e.Key == key)?.Value;

    /// <summary>
    /// Sets the value at a config key path (<c>mqtt.host</c>, <c>devices[0].port</c>): sections along the path are
    /// created, list items must already exist.
    /// </summary>
    public void Put(string path, object value, string? comment = null)
    {
        var parts = path.Split('.');
        var map = this;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            var (key, index) = SplitIndex(parts[i]);
            if (index is { } n)
            {
                if (map.Get(key) is not System.Collections.IList list || n >= list.Count || list[n] is not YamlOutline item)
                    throw new ArgumentException($"'{path}': there is no item {n} under '{key}'", nameof(path));
                map = item;
            }
            else map = map.Section(key);
        }
        map.Set(parts[^1], value, comment);
    }

    /// <summary>
    /// Removes the value at a config key path such as <c>devices[0].poll_interval</c> or <c>shutdown.vms.wait</c>;
    /// false when there is nothing there.
    /// </summary>
    public bool Remove(string path)
    {
        var parts = path.Split('.');
        object? node = this;
        for (var i = 0; i < parts.Length; i++)
        {
            var (key, index) = SplitIndex(parts[i]);
            if (node is not YamlOutline map) return false;
            var last = i == parts.Length - 1;
            if (last && index is null) return map._entries.RemoveAll(e => e.Key == key) > 0;
            node = map.Get(key);
            if (index is { } n)
            {
                if (node is not System.Collections.IList list || n >= list.Count) return false;
                if (last)
                {
                    list.RemoveAt(n);
                    return true;
                }
                node = list[n];
            }
        }
        return false;
    }

    private static (string Key, int? Index) SplitIndex(string part)
    {
        var open = part.IndexOf('[', StringComparison.Ordinal);
        if (open < 0 || !part.EndsWith(']')) return (part, null);
        return int.TryParse(part.AsSpan(open + 1, part.Length - open - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? (part[..open], n) : (part, null);
    }

    /// <summary>A comment line written above the first key (the file's header).</summary>
    public YamlOutline Comment(string line)
    {
        _header.Add(line);
        return this;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var h in _header) sb.Append("# ").AppendLine(h);
        if (_header.Count > 0 && _entries.Count > 0) sb.AppendLine();
        WriteMapping(sb, this, 0, firstPrefix: null);
        return sb.ToString();
    }

    private static void WriteMapping(StringBuilder sb, YamlOutline map, int indent, string? firstPrefix)
    {
        var first = true;
        foreach (var e in map._entries)
        {
            var pad = first && firstPrefix is not null ? firstPrefix : new string(' ', indent);
            first = false;
            sb.Append(pad).Append(YamlScalar.Text(e.Key)).Append(':');
            switch (e.Value)
            {
                case YamlOutline nested when nested._entries.Count == 0:
                    sb.Append(" {}");
                    AppendComment(sb, e.Comment);
                    break;
                case YamlOutline nested:
                    AppendComment(sb, e.Comment);
                    WriteMapping(sb, nested, indent + 2, null);
                    break;
                case System.Collections.IList { Count: 0 }:
                    sb.Append(" []");
                    AppendComment(sb, e.Comment);
                    break;
                case System.Collections.IList list:
                    AppendComment(sb, e.Comment);
                    foreach (var item in list)
                    {
                        if (item is YamlOutline m && m._entries.Count > 0) WriteMapping(sb, m, indent + 4, new string(' ', indent + 2) + "- ");
                        else sb.Append(' ', indent + 2).Append("- ").AppendLine(YamlScalar.Render(item!));
                    }
                    break;
                default:
                    sb.Append(' ').Append(YamlScalar.Render(e.Value));
                    AppendComment(sb, e.Comment);
                    break;
            }
        }
    }

    private static void AppendComment(StringBuilder sb, string? comment)
    {
        if (!string.IsNullOrEmpty(comment)) sb.Append("   # ").Append(comment.Replace('\n', ' '));
        sb.AppendLine();
    }
}
