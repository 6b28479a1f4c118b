namespace Gateway.Yaml;

/// <summary>A node of a YAML document: <see cref="YamlScalarNode"/>, <see cref="YamlMappingNode"/> or <see cref="YamlSequenceNode"/>.</summary>
/// <remarks>An alias (<c>*a</c>) is the anchored node itself, so a tree with aliases is a graph, possibly a cycle.</remarks>
public abstract class YamlNode
{
    /// <summary>Where the node starts in its text (its anchor, if it has one); line 0 for nodes not read from text.</summary>
    public Mark Start { get; internal set; }

    public override string ToString() => GetType().Name;
}
