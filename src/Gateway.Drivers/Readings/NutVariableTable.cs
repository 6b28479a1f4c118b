using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Gateway.Drivers.Readings;

/// <summary>
/// A reading's NUT variables: two parallel arrays sorted by name (ordinal), as upsd lists them. Built once per
/// reading from the decoder's pairs (a copy and, only when they do not arrive in order, one sort) instead of a
/// tree of nodes; looked up by binary search. Immutable once built.
/// </summary>
public sealed class NutVariableTable : IReadOnlyDictionary<string, string>
{
    private readonly string[] _keys;
    private readonly string[] _values;

    private NutVariableTable(string[] keys, string[] values)
    {
        _keys = keys;
        _values = values;
    }

    /// <summary>
    /// The table of <paramref name="variables"/> with <paramref name="name"/> set to <paramref name="value"/>
    /// (added, or replacing the variable of that name).
    /// </summary>
    public static NutVariableTable From(IReadOnlyDictionary<string, string> variables, string name, string value)
    {
        var count = variables.Count + 1;
        var keys = new string[count];
        var values = new string[count];
        var n = 0;
        foreach (var (k, v) in variables)
        {
            if (string.Equals(k, name, StringComparison.Ordinal)) continue;
            keys[n] = k;
            values[n] = v;
            n++;
        }
        keys[n] = name;
        values[n] = value;
        n++;
        if (n != count)
        {
            Array.Resize(ref keys, n);
            Array.Resize(ref values, n);
        }
        if (!IsSorted(keys)) Array.Sort(keys, values, StringComparer.Ordinal);
        return new NutVariableTable(keys, values);
    }

    /// <summary>This table with each of <paramref name="changes"/> added or replaced; the table itself is unchanged.</summary>
    public NutVariableTable With(params ReadOnlySpan<KeyValuePair<string, string>> changes)
    {
        var keys = new List<string>(_keys.Length + changes.Length);
        var values = new List<string>(_keys.Length + changes.Length);
        keys.AddRange(_keys);
        values.AddRange(_values);
        foreach (var (k, v) in changes)
        {
            var i = keys.BinarySearch(k, StringComparer.Ordinal);
            if (i >= 0) values[i] = v;
            else
            {
                keys.Insert(~i, k);
                values.Insert(~i, v);
            }
        }
        return new NutVariableTable([.. keys], [.. values]);
    }

    private static bool IsSorted(string[] keys)
    {
        for (var i = 1; i < keys.Length; i++)
            if (string.CompareOrdinal(keys[i - 1], keys[i]) >= 0) return false;
        return true;
    }

    private int IndexOf(string key) => Array.BinarySearch(_keys, key, StringComparer.Ordinal);

    public string this[string key] => IndexOf(key) is var i and >= 0 ? _values[i] : throw new KeyNotFoundException($"The reading has no variable '{key}'.");

    public IEnumerable<string> Keys => _keys;

    public IEnumerable<string> Values => _values;

    public int Count => _keys.Length;

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var i = IndexOf(key);
        if (i >= 0)
        {
            value = _values[i];
            return true;
        }
        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _keys.Length; i++) yield return new KeyValuePair<string, string>(_keys[i], _values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
