namespace Gateway.Yaml;

/// <summary>A single value. Two scalars are equal when their text is (so a mapping finds a key by its name).</summary>
public sealed class YamlScalarNode(string? value) : YamlNode
{
    public string? Value { get; set; } = value;

    public ScalarStyle Style { get; set; } = ScalarStyle.Any;

    public override bool Equals(object? obj) => obj is YamlScalarNode other && other.Value == Value;

    public override int GetHashCode() => Value?.GetHashCode(StringComparison.Ordinal) ?? 0;

    public override string ToString() => Value ?? "";
}
