using System.Text;

namespace Gateway.Shutdown;

/// <summary>Turns a configured command line into argv (POSIX-shell-like quoting, no expansion) and back into text for logs.</summary>
public static class CommandText
{
    public static IReadOnlyList<string> Split(string commandLine)
    {
        var args = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else if (c == '\\' && quote == '"' && i + 1 < commandLine.Length && commandLine[i + 1] is '"' or '\\') current.Append(commandLine[++i]);
                else current.Append(c);
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                if (inWord) { args.Add(current.ToString()); current.Clear(); inWord = false; }
                continue;
            }
            inWord = true;
            if (c is '"' or '\'') quote = c;
            else if (c == '\\' && i + 1 < commandLine.Length) current.Append(commandLine[++i]);
            else current.Append(c);
        }
        if (inWord) args.Add(current.ToString());
        return args;
    }

    public static string Format(IEnumerable<string> argv) => string.Join(' ', argv.Select(Quote));

    private static string Quote(string arg)
    {
        if (arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@%+,".Contains(c))) return arg;
        return "'" + arg.Replace("'", "'\\''") + "'";
    }
}
