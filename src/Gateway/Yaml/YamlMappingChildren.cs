using System.Collections;

namespace Gateway.Yaml;

/// <summary>
/// The pairs of a <see cref="YamlMappingNode"/> in the order written; keys are found by equality (a scalar by its text).
/// An index by key keeps a 1 MiB file with one huge mapping linear to read.
/// </summary>
public sealed class YamlMappingChildren : IEnumerable<KeyValuePair<YamlNode, YamlNode>>
{
    private readonly List<KeyValuePair<YamlNode, YamlNode>> _pairs = [];
    private readonly Dictionary<YamlNode, int> _index = [];

    public int Count => _pairs.Count;

    public IEnumerable<YamlNode> Keys => _pairs.Select(p => p.Key);

    /// <summary>The value of <paramref name="key"/>; setting replaces the pair in place, or appends a new one.</summary>
    public YamlNode this[YamlNode key]
    {
        get => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"no key '{key}'");
        set
        {
            var i = IndexOf(key);
            if (i >= 0)
            {
                _pairs[i] = new(key, value);
                _index.Remove(key);
                _index[key] = i;
            }
            else Append(key, value);
        }
    }

    /// <summary>Adds a pair; false (and nothing added) when the key is already there.</summary>
    public bool TryAdd(YamlNode key, YamlNode value)
    {
        if (IndexOf(key) >= 0) return false;
        Append(key, value);
        return true;
    }

    public bool ContainsKey(YamlNode key) => IndexOf(key) >= 0;

    public bool TryGetValue(YamlNode key, out YamlNode value)
    {
        var i = IndexOf(key);
        value = i >= 0 ? _pairs[i].Value : null!;
        return i >= 0;
    }

    public bool Remove(YamlNode key)
    {
        var i = IndexOf(key);
        if (i < 0) return false;
        _pairs.RemoveAt(i);
        _index.Clear();
        for (var j = 0; j < _pairs.Count; j++) _index[_pairs[j].Key] = j;
        return true;
    }

    private void Append(YamlNode key, YamlNode value)
    {
        _index[key] = _pairs.Count;
        _pairs.Add(new(key, value));
    }

    private int IndexOf(YamlNode key) => _index.TryGetValue(key, out var i) ? i : -1;

    public IEnumerator<KeyValuePair<YamlNode, YamlNode>> GetEnumerator() => _pairs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
