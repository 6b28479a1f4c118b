namespace Gateway.Yaml;

/// <summary>A list (<c>- item</c> lines or <c>[a, b]</c>).</summary>
public sealed class YamlSequenceNode : YamlNode
{
    public YamlSequenceNode() { }

    public YamlSequenceNode(IEnumerable<YamlNode> children) => Children.AddRange(children);

    public List<YamlNode> Children { get; } = [];
}
