namespace Gateway.Yaml;

/// <summary>Collections nested deeper than the reader's limit: refused before the tree grows (no stack overflow).</summary>
public sealed class YamlTooDeepException(Mark start, int maxDepth) : YamlException(start, $"nested more than {maxDepth} levels deep")
{
    public int MaxDepth { get; } = maxDepth;
}
