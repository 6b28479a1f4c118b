using System.Text;

namespace Gateway.Drivers.Nut;

/// <summary>
/// The NUT line protocol as upsd reads and writes it (common/parseconf.c): words split on spaces, <c>"..."</c>
/// is one word, <c>\</c> makes the next character literal, an unquoted <c>#</c> starts a comment. Shared by
/// the client (reading replies) and the gateway's server (reading requests), so both sides agree byte for byte.
/// </summary>
public static class NutLineCodec
{
    /// <summary>upsd's limit on words per line; more is a parse error.</summary>
    public const int MaxWords = 32;

    /// <summary>upsd cuts longer words at this many characters, without an error.</summary>
    public const int MaxWordLength = 512;

    /// <summary>
    /// Splits one line (without its LF) into words. Characters below 0x20 (except tab) or above 0x7E are dropped,
    /// as upsd does. Returns false with a reason for an unbalanced quote, an escape at the end of the line,
    /// an unescaped <c>#</c> inside quotes (only when <paramref name="strictHash"/>) or more than
    /// <see cref="MaxWords"/> words.
    /// </summary>
    [ThreadStatic] private static StringBuilder? t_word;

    public static bool TryTokenize(ReadOnlySpan<char> line, List<string> words, out string? error, bool strictHash = true)
    {
        words.Clear();
        error = null;
        var word = t_word ??= new StringBuilder(64);
        word.Clear();
        var inWord = false;
        var inQuotes = false;
        var escaped = false;
        foreach (var raw in line)
        {
            var ch = raw == '\t' ? ' ' : raw;
            if (ch < 0x20 || ch > 0x7E) continue;
            if (escaped)
            {
                Append(word, ch);
                escaped = false;
                continue;
            }
            if (ch == '\\')
            {
                escaped = true;
                inWord = true;
                continue;
            }
            if (inQuotes)
            {
                if (ch == '"')
                {
                    inQuotes = false;
                    continue;
                }
                if (ch == '#' && strictHash)
                {
                    error = "unescaped '#' inside quotes";
                    return false;
                }
                Append(word, ch);
                continue;
            }
            if (ch == '"')
            {
                inQuotes = true;
                inWord = true;
                continue;
            }
            if (ch == '#') break;
            if (ch == ' ')
            {
                if (inWord && !Flush(words, word, ref inWord, out error)) return false;
                continue;
            }
            Append(word, ch);
            inWord = true;
        }
        if (inQuotes)
        {
            error = "unbalanced quotes";
            return false;
        }
        if (escaped)
        {
            error = "escape character at the end of the line";
            return false;
        }
        return !inWord || Flush(words, word, ref inWord, out error);
    }

    private static void Append(StringBuilder word, char ch)
    {
        if (word.Length < MaxWordLength) word.Append(ch);
    }

    private static bool Flush(List<string> words, StringBuilder word, ref bool inWord, out string? error)
    {
        error = null;
        inWord = false;
        if (words.Count >= MaxWords)
        {
            error = $"more than {MaxWords} words";
            return false;
        }
        words.Add(word.ToString());
        word.Clear();
        return true;
    }

    /// <summary>Quotes a value for a reply or request: <c>"</c>, <c>\</c> and <c>#</c> get a backslash; non-ASCII becomes '?'.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        AppendQuoted(sb, value);
        return sb.ToString();
    }

    public static void AppendQuoted(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var ch in value)
        {
            if (ch is '"' or '\\' or '#') sb.Append('\\');
            sb.Append(ch is < ' ' or > '~' ? '?' : ch);
        }
        sb.Append('"');
    }

    /// <summary>A word as a request argument: bare when it is safe, quoted otherwise.</summary>
    public static string Word(string value)
    {
        if (value.Length == 0) return "\"\"";
        foreach (var ch in value)
            if (ch is <= ' ' or > '~' or '"' or '\\' or '#') return Quote(value);
        return value;
    }

    /// <summary>True for names NUT accepts for a UPS, variable or command (what can be sent unquoted).</summary>
    public static bool IsPlainName(string value)
    {
        if (value.Length == 0) return false;
        foreach (var ch in value)
            if (ch is <= ' ' or > '~' or '"' or '\\' or '#') return false;
        return true;
    }
}
