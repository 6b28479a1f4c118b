namespace Gateway.Commands;

/// <summary>A verb of the command line (<c>run</c>, <c>nut test</c>): its options, arguments, sub-verbs and what it does.</summary>
internal sealed class CliCommand(string name, string description)
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    public List<CliOption> Options { get; } = [];
    public List<CliArgument> Arguments { get; } = [];
    public List<CliCommand> Subcommands { get; } = [];
    /// <summary>Runs the verb and returns the exit code; null for a verb that only groups others (<c>nut</c>).</summary>
    public Func<CliParseResult, CancellationToken, Task<int>>? Action { get; set; }

    public CliOption? FindOption(string token) => Options.FirstOrDefault(o => o.Matches(token));

    public CliCommand? FindSubcommand(string token) => Subcommands.FirstOrDefault(c => c.Name == token);
}
