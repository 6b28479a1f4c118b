using System.Collections;

namespace Gateway.Yaml;

/// <summary>
/// The pairs of a <see cref="YamlMappingNode"/> in the order written; keys are found by equality (a scalar by its text).
/// A list, not a hash table: config sections hold tens of keys.
/// </summary>
public sealed class YamlMappingChildren : IEnumerable<KeyValuePair<YamlNode, YamlNode>>
{
    private readonly List<KeyValuePair<YamlNode, YamlNode>> _pairs = [];

    public int Count => _pairs.Count;

    public IEnumerable<YamlNode> Keys => _pairs.Select(p => p.Key);

    /// <summary>The value of <paramref name="key"/>; setting replaces the pair in place, or appends a new one.</summary>
    public YamlNode this[YamlNode key]
    {
        get => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"no key '{key}'");
        set
        {
            var i = IndexOf(key);
            if (i >= 0) _pairs[i] = new(key, value);
            else _pairs.Add(new(key, value));
        }
    }

    /// <summary>Adds a pair; false (and nothing added) when the key is already there.</summary>
    public bool TryAdd(YamlNode key, YamlNode value)
    {
        if (IndexOf(key) >= 0) return false;
        _pairs.Add(new(key, value));
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
        return true;
    }

    private int IndexOf(YamlNode key)
    {
        for (var i = 0; i < _pairs.Count; i++)
            if (_pairs[i].Key.Equals(key)) return i;
        return -1;
    }

    public IEnumerator<KeyValuePair<YamlNode, YamlNode>> GetEnumerator() => _pairs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
