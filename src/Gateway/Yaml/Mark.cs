namespace Gateway.Yaml;

/// <summary>A position in YAML text: 1-based line and column (columns count UTF-16 characters).</summary>
public readonly record struct Mark(int Line, int Column)
{
    public override string ToString() => $"line {Line}, column {Column}";
}
