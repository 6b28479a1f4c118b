using Gateway.Drivers.Nut;

namespace Gateway.NutServer;

/// <summary>Variable and command descriptions from NUT's cmdvartab (<c>VARDESC name "text"</c>, <c>CMDDESC name "text"</c>).</summary>
public sealed class NutDescriptions
{
    public const string DefaultPath = "/usr/share/nut/cmdvartab";

    private readonly Dictionary<string, string> _vars = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _cmds = new(StringComparer.OrdinalIgnoreCase);

    public static NutDescriptions Load(string path = DefaultPath)
    {
        var d = new NutDescriptions();
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return d; }
        var words = new List<string>();
        foreach (var line in lines)
        {
            if (!NutLineCodec.TryTokenize(line, words, out _, strictHash: false) || words.Count < 3) continue;
            if (words[0] == "VARDESC") d._vars[words[1]] = words[2];
            else if (words[0] == "CMDDESC") d._cmds[words[1]] = words[2];
        }
        return d;
    }

    public string? Variable(string name) => _vars.GetValueOrDefault(name);
    public string? Command(string name) => _cmds.GetValueOrDefault(name);
}
