using Gateway.Drivers.Nut;

namespace Gateway.Hotplug;

/// <summary>
/// Reads and rewrites one section of ups.conf while keeping every other line (other UPSes, globals, the user's
/// comments and blank lines) byte for byte. The section is replaced from its <c>[name]</c> line up to the next
/// section header (comments directly above the next header stay with it).
/// </summary>
public static class UpsConfEditor
{
    public const string Marker = "# managed by the gateway's USB hotplug; edits to this section are replaced";

    /// <summary>The section as it is in the file, or null when there is none.</summary>
    public static UpsConfSection? Read(string text, string name)
    {
        var file = NutConfigFile.Parse("ups.conf", text);
        if (!file.Sections.Any(s => s.Section == name)) return null;
        // The last value of each key wins (a loop, not GroupBy: each GroupBy instantiation is generic code of its own in the native binary).
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in file.InSection(name)) keys[e.Key] = e.Value ?? "";
        return new UpsConfSection(name, keys.GetValueOrDefault("driver", ""), keys.GetValueOrDefault("vendorid", "").ToLowerInvariant(),
            keys.GetValueOrDefault("productid", "").ToLowerInvariant(), keys.GetValueOrDefault("serial"), keys.GetValueOrDefault("desc"));
    }

    public static string Write(string text, UpsConfSection section)
    {
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = text.Length == 0 ? new List<string>() : text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        var trailingNewline = lines.Count > 0 && lines[^1].Length == 0;
        if (trailingNewline) lines.RemoveAt(lines.Count - 1);

        var block = Render(section);
        var start = lines.FindIndex(l => IsHeader(l, out var n) && n == section.Name);
        if (start < 0)
        {
            if (lines.Count > 0 && lines[^1].Trim().Length > 0) lines.Add("");
            lines.AddRange(block);
        }
        else
        {
            var end = start + 1;
            while (end < lines.Count && !IsHeader(lines[end], out _)) end++;
            // Keep comments and blank lines that introduce the next section.
            var keepFrom = end;
            while (keepFrom > start + 1 && IsCommentOrBlank(lines[keepFrom - 1])) keepFrom--;
            // The user's own comments inside the section are kept too, right under its header.
            var comments = lines.Skip(start + 1).Take(keepFrom - start - 1)
                .Where(l => l.TrimStart().StartsWith('#') && !l.Contains(Marker, StringComparison.Ordinal)).ToList();
            lines.RemoveRange(start, keepFrom - start);
            block.InsertRange(1, comments);
            lines.InsertRange(start, block);
        }
        return string.Join(newline, lines) + newline;
    }

    private static List<string> Render(UpsConfSection s)
    {
        var list = new List<string> { $"[{s.Name}]", "  " + Marker, $"  driver = {s.Driver}", "  port = auto", $"  vendorid = {s.VendorId}", $"  productid = {s.ProductId}" };
        if (s.Serial is not null) list.Add($"  serial = {NutLineCodec.Quote(s.Serial)}");
        if (s.Description is not null) list.Add($"  desc = {NutLineCodec.Quote(s.Description)}");
        return list;
    }

    private static bool IsHeader(string line, out string name)
    {
        var t = line.Trim();
        name = t.Length >= 2 && t[0] == '[' && t[^1] == ']' ? t[1..^1] : "";
        return name.Length > 0;
    }

    private static bool IsCommentOrBlank(string line)
    {
        var t = line.TrimStart();
        return t.Length == 0 || (t[0] == '#' && !t.StartsWith(Marker, StringComparison.Ordinal));
    }
}
