namespace Gateway.Commands;

/// <summary>The text of <c>gateway [verb] --help</c>: description, usage, arguments, options, sub-verbs.</summary>
internal static class CliHelp
{
    public static void Write(CliParseResult parsed, TextWriter output)
    {
        var command = parsed.Command;
        var isRoot = parsed.Path.Count == 1;
        output.WriteLine("Description:");
        output.WriteLine($"  {command.Description}");
        output.WriteLine();
        output.WriteLine("Usage:");
        var usage = parsed.CommandName;
        if (command.Subcommands.Count > 0) usage += " [command]";
        foreach (var a in command.Arguments) usage += a.Optional ? $" [<{a.Name}>]" : $" <{a.Name}>";
        output.WriteLine($"  {usage} [options]");
        if (command.Arguments.Count > 0)
            Table(output, "Arguments:", command.Arguments.Select(a => ($"<{a.Name}>", a.Description)));
        var options = command.Options.Select(o => (o.Usage(), o.Description)).Append(("-?, -h, --help", "Show help and usage information"));
        if (isRoot) options = options.Append(("--version", "Show version information"));
        Table(output, "Options:", options);
        if (command.Subcommands.Count > 0)
            Table(output, "Commands:", command.Subcommands.Select(c => (c.Subcommands.Count > 0 ? c.Name : c.Name + string.Concat(c.Arguments.Select(a => a.Optional ? $" [<{a.Name}>]" : $" <{a.Name}>")), c.Description)));
        output.WriteLine();
    }

    private static void Table(TextWriter output, string title, IEnumerable<(string Left, string Right)> rows)
    {
        var list = rows.ToList();
        var width = list.Max(r => r.Left.Length) + 2;
        output.WriteLine();
        output.WriteLine(title);
        foreach (var (left, right) in list) output.WriteLine($"  {left.PadRight(width)}{right}");
    }
}
