using System.Globalization;

namespace Gateway.Commands;

/// <summary>
/// Reads the command line against the verbs of <see cref="Program.BuildCommandLine"/>: <c>verb [sub-verb] [options] [arguments]</c>,
/// options as <c>--name VALUE</c> or <c>--name=VALUE</c>, <c>--</c> ends the options, <c>-h</c>/<c>--help</c>/<c>-?</c> anywhere asks
/// for help, <c>--version</c> before any verb. Every error is a sentence that says what to type instead.
/// </summary>
internal static class CliParser
{
    public static bool IsHelp(string token) => token is "-h" or "--help" or "-?" or "/?" or "/h";

    public static CliParseResult Parse(CliCommand root, IReadOnlyList<string> args)
    {
        var path = new List<CliCommand> { root };
        var result = new CliParseResult(path);
        var onlyArguments = false;
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            var command = path[^1];
            if (!onlyArguments && IsHelp(token))
            {
                result.HelpRequested = true;
                continue;
            }
            if (!onlyArguments && token == "--")
            {
                onlyArguments = true;
                continue;
            }
            if (!onlyArguments && token == "--version" && command == root)
            {
                result.VersionRequested = true;
                continue;
            }
            if (!onlyArguments && token.Length > 1 && token[0] == '-')
            {
                i = ReadOption(result, command, args, i);
                continue;
            }
            if (command.Subcommands.Count > 0 && result.Arguments.Count == 0)
            {
                if (command.FindSubcommand(token) is { } sub)
                {
                    path.Add(sub);
                    continue;
                }
                result.Errors.Add($"'{token}' is not a command of '{result.CommandName}'; the commands are: {string.Join(", ", command.Subcommands.Select(c => c.Name))}");
                continue;
            }
            if (result.Arguments.Count >= command.Arguments.Count)
            {
                result.Errors.Add(command.Arguments.Count == 0
                    ? $"'{result.CommandName}' takes no arguments, but got '{token}'"
                    : $"'{result.CommandName}' takes at most {command.Arguments.Count} argument{(command.Arguments.Count == 1 ? "" : "s")} ({string.Join(" ", command.Arguments.Select(a => a.Name))}), but got another: '{token}'");
                continue;
            }
            result.Arguments.Add(token);
        }
        if (result.HelpRequested) return result;
        if (result.VersionRequested)
        {
            if (path.Count > 1 || result.Arguments.Count > 0) result.Errors.Add("--version stands alone: gateway --version");
            return result;
        }
        var verb = path[^1];
        if (verb.Action is null)
        {
            if (result.Errors.Count == 0)
                result.Errors.Add($"'{result.CommandName}' needs a command: one of {string.Join(", ", verb.Subcommands.Select(c => c.Name))}");
            return result;
        }
        foreach (var missing in verb.Arguments.Skip(result.Arguments.Count).Where(a => !a.Optional))
            result.Errors.Add($"'{result.CommandName}' needs {missing.Name}: {char.ToLowerInvariant(missing.Description[0])}{missing.Description[1..]}");
        return result;
    }

    /// <returns>The index of the last token it used.</returns>
    private static int ReadOption(CliParseResult result, CliCommand command, IReadOnlyList<string> args, int i)
    {
        var token = args[i];
        var equals = token.StartsWith("--", StringComparison.Ordinal) ? token.IndexOf('=') : -1;
        var name = equals > 0 ? token[..equals] : token;
        string? inline = equals > 0 ? token[(equals + 1)..] : null;
        var option = command.FindOption(name);
        if (option is null)
        {
            var known = command.Options.Select(o => o.Name).Append("--help").ToList();
            result.Errors.Add($"'{name}' is not an option of '{result.CommandName}'; its options are: {string.Join(", ", known)}");
            return i;
        }
        if (!option.Repeatable && result.Has(option))
        {
            result.Errors.Add($"{option.Name} was given more than once; give it once");
            return inline is null && option.Kind != CliValueKind.Flag && i + 1 < args.Count ? i + 1 : i;
        }
        if (option.Kind == CliValueKind.Flag)
        {
            if (inline is null or "true" or "false") result.Add(option, inline ?? "true");
            else result.Errors.Add($"{option.Name} is a switch and takes no value (or =true/=false), got '{inline}'");
            return i;
        }
        var value = inline;
        if (value is null && i + 1 < args.Count && !LooksLikeOption(command, args[i + 1]))
            value = args[++i];
        if (value is null)
        {
            result.Errors.Add($"{option.Name} needs a value: {option.Name} {option.ValueName}");
            return i;
        }
        if (option.Kind == CliValueKind.Integer && !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            result.Errors.Add($"{option.Name} expects a whole number, got '{value}'");
            return i;
        }
        result.Add(option, value);
        return i;
    }

    private static bool LooksLikeOption(CliCommand command, string token) =>
        IsHelp(token) || token == "--" || command.FindOption(token.Split('=')[0]) is not null;
}
