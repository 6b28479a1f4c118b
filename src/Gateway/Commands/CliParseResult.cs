namespace Gateway.Commands;

/// <summary>What <see cref="CliParser"/> read: the verb, its option values and arguments, or why the command line is wrong.</summary>
internal sealed class CliParseResult(IReadOnlyList<CliCommand> path)
{
    private readonly Dictionary<CliOption, List<string>> _values = [];

    /// <summary>The root command first, the verb to run last.</summary>
    public IReadOnlyList<CliCommand> Path { get; } = path;
    public CliCommand Command => Path[^1];
    /// <summary>e.g. <c>gateway nut test</c>.</summary>
    public string CommandName => string.Join(' ', Path.Select(c => c.Name));
    public List<string> Arguments { get; } = [];
    public List<string> Errors { get; } = [];
    public bool HelpRequested { get; set; }
    public bool VersionRequested { get; set; }

    public void Add(CliOption option, string value)
    {
        if (!_values.TryGetValue(option, out var list)) _values[option] = list = [];
        list.Add(value);
    }

    public bool Has(CliOption option) => _values.ContainsKey(option);

    public IReadOnlyList<string> Values(CliOption option) => _values.TryGetValue(option, out var list) ? list : [];

    public string? Value(CliOption option) => _values.TryGetValue(option, out var list) ? list[^1] : null;

    public bool Flag(CliOption option) => Value(option) is "true";

    /// <summary>An <see cref="CliValueKind.Integer"/> option (checked by the parser), or <paramref name="fallback"/> when absent.</summary>
    public int? Int(CliOption option, int? fallback = null) =>
        Value(option) is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public string? Argument(int index) => index < Arguments.Count ? Arguments[index] : null;
}
