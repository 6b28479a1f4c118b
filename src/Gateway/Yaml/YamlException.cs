namespace Gateway.Yaml;

/// <summary>The text is not YAML the gateway reads; <see cref="Start"/> says where (line 0 when unknown).</summary>
public class YamlException : Exception
{
    public YamlException(string message) : base(message) { }

    public YamlException(Mark start, string message) : base(message) => Start = start;

    public Mark Start { get; }
}
