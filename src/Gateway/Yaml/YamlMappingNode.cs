namespace Gateway.Yaml;

/// <summary>A section of <c>key: value</c> pairs (block or <c>{a: 1}</c>), in the order written.</summary>
public sealed class YamlMappingNode : YamlNode
{
    public YamlMappingChildren Children { get; } = new();
}
