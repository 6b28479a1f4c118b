namespace Gateway.Commands;

/// <summary>One option of a verb: <c>--config FILE</c>, <c>-c FILE</c>, <c>--simulate</c>, <c>--set KEY=VALUE</c> (repeatable).</summary>
internal sealed class CliOption(string name, string description, CliValueKind kind = CliValueKind.Flag, string? valueName = null, params string[] aliases)
{
    /// <summary>The long name, e.g. <c>--config</c>.</summary>
    public string Name { get; } = name;
    public IReadOnlyList<string> Aliases { get; } = aliases;
    public string Description { get; } = description;
    public CliValueKind Kind { get; } = kind;
    /// <summary>The placeholder in help and error texts, e.g. FILE.</summary>
    public string ValueName { get; } = valueName ?? name.TrimStart('-').ToUpperInvariant();
    /// <summary>May be given more than once (every value is kept).</summary>
    public bool Repeatable { get; init; }

    public bool Matches(string token) => token == Name || Aliases.Contains(token);

    /// <summary>How help shows it: <c>-c, --config &lt;FILE&gt;</c>.</summary>
    public string Usage()
    {
        var names = string.Join(", ", Aliases.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Append(Name).Concat(Aliases.Where(a => a.StartsWith("--", StringComparison.Ordinal))));
        return Kind == CliValueKind.Flag ? names : $"{names} <{ValueName}>";
    }
}
