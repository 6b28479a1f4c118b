namespace Gateway.Commands;

/// <summary>A positional argument of a verb, e.g. <c>FILE</c> of <c>check-config</c>.</summary>
internal sealed record CliArgument(string Name, string Description, bool Optional = false);
