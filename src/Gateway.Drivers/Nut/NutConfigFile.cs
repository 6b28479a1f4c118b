namespace Gateway.Drivers.Nut;

/// <summary>
/// A NUT configuration file (ups.conf, upsd.conf, upsd.users, upsmon.conf) read with upsd's own rules: the
/// line codec's words, a trailing <c>\</c> continues the line, <c>[name]</c> opens a section, and
/// <c>key = value</c> / <c>key=value</c> / <c>key value</c> all work. Keeps line numbers for messages.
/// </summary>
public sealed class NutConfigFile
{
    private NutConfigFile(string path, IReadOnlyList<NutConfigEntry> entries, IReadOnlyList<NutConfigEntry> errors)
    {
        Path = path;
        Entries = entries;
        Errors = errors;
    }

    public string Path { get; }

    /// <summary>Every non-empty line: section headers (<see cref="NutConfigEntry.IsSection"/>) and directives.</summary>
    public IReadOnlyList<NutConfigEntry> Entries { get; }

    /// <summary>Lines that could not be parsed (unbalanced quotes, …), with <see cref="NutConfigEntry.Error"/> set.</summary>
    public IReadOnlyList<NutConfigEntry> Errors { get; }

    public static NutConfigFile Parse(string path, string text)
    {
        var entries = new List<NutConfigEntry>();
        var errors = new List<NutConfigEntry>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        string? section = null;
        var words = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var logical = lines[i];
            while (logical.EndsWith('\\') && !logical.EndsWith("\\\\", StringComparison.Ordinal) && i + 1 < lines.Length)
                logical = logical[..^1] + lines[++i];
            if (!NutLineCodec.TryTokenize(logical, words, out var error))
            {
                errors.Add(new NutConfigEntry(number, section, [], error));
                continue;
            }
            if (words.Count == 0) continue;
            if (words.Count == 1 && words[0].Length >= 2 && words[0][0] == '[' && words[0][^1] == ']')
            {
                section = words[0][1..^1];
                entries.Add(new NutConfigEntry(number, section, [.. words], null) { IsSection = true });
                continue;
            }
            entries.Add(new NutConfigEntry(number, section, Normalize(words), null));
        }
        return new NutConfigFile(path, entries, errors);
    }

    public static NutConfigFile? Load(string path) =>
        File.Exists(path) ? Parse(path, File.ReadAllText(path)) : null;

    /// <summary>Splits <c>key=value</c> and drops a lone <c>=</c> so that every form becomes [key, value…].</summary>
    private static string[] Normalize(List<string> words)
    {
        var list = new List<string>(words);
        var eq = list[0].IndexOf('=');
        if (eq > 0)
        {
            var rest = list[0][(eq + 1)..];
            list[0] = list[0][..eq];
            if (rest.Length > 0) list.Insert(1, rest);
        }
        else if (list.Count >= 2 && list[1] == "=") list.RemoveAt(1);
        else if (list.Count >= 2 && list[1].StartsWith('=')) list[1] = list[1][1..];
        return [.. list];
    }

    /// <summary>The section names, in file order.</summary>
    public IEnumerable<NutConfigEntry> Sections => Entries.Where(e => e.IsSection);

    public IEnumerable<NutConfigEntry> InSection(string? section) => Entries.Where(e => !e.IsSection && e.Section == section);
}
