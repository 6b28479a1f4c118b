using System.Text.Json.Nodes;
using Gateway.Yaml;

namespace Gateway.Configuration;

/// <summary>Collects every problem found while binding, and knows where each YAML node came from.</summary>
public sealed class ConfigContext
{
    private readonly List<ConfigError> _errors = [];
    private readonly List<ConfigSection> _sections = [];
    private readonly Dictionary<YamlNode, string> _origins = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<YamlNode, string> _files = new(ReferenceEqualityComparer.Instance);

    public ConfigContext(string source) => Source = source;

    /// <summary>The config file name (or "defaults" when there is none).</summary>
    public string Source { get; }

    /// <summary>Every value the binders read, defaults included, under its YAML name (see <see cref="ConfigSection"/>).</summary>
    public JsonObject Effective { get; } = new();

    /// <summary>Marks a node (and everything under it) as read from another file than <see cref="Source"/>: the settings overlay.</summary>
    public void SetFile(YamlNode node, string file)
    {
        var stack = new Stack<YamlNode>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (!_files.TryAdd(n, file)) continue;
            switch (n)
            {
                case YamlMappingNode m:
                    foreach (var (k, v) in m.Children) { stack.Push(k); stack.Push(v); }
                    break;
                case YamlSequenceNode seq:
                    foreach (var c in seq.Children) stack.Push(c);
                    break;
            }
        }
    }

    public IReadOnlyList<ConfigError> Problems => _errors;
    public IEnumerable<ConfigError> Errors => _errors.Where(e => !e.IsWarning);
    public IEnumerable<ConfigError> Warnings => _errors.Where(e => e.IsWarning);
    public bool HasErrors => _errors.Any(e => !e.IsWarning);

    /// <summary>Marks a node as set by an environment variable or command-line option rather than the file.</summary>
    public void SetOrigin(YamlNode node, string origin) => _origins[node] = origin;

    internal void Register(ConfigSection section) => _sections.Add(section);

    /// <summary>Every key name any binder asked for, over all sections (documentation checks use it).</summary>
    internal IReadOnlySet<string> KnownKeyNames() => _sections.SelectMany(s => s.KnownKeys).ToHashSet(StringComparer.Ordinal);

    public void Error(YamlNode? node, string key, string message) => Add(node, key, message, false);
    public void Warning(YamlNode? node, string key, string message) => Add(node, key, message, true);

    private void Add(YamlNode? node, string key, string message, bool warning)
    {
        if (node is not null && _origins.TryGetValue(node, out var origin))
        {
            _errors.Add(new ConfigError(origin, 0, 0, key, message, warning));
            return;
        }
        var line = node is null ? 0 : (int)node.Start.Line;
        var col = node is null ? 0 : (int)node.Start.Column;
        var file = node is not null && _files.TryGetValue(node, out var f) ? f : Source;
        _errors.Add(new ConfigError(file, line, col, key, message, warning));
    }

    public void AddRaw(ConfigError error) => _errors.Add(error);

    /// <summary>Reports every key that no binder asked for: a typo or a key in the wrong section.</summary>
    internal void ReportUnknownKeys()
    {
        foreach (var section in _sections) section.ReportUnknownKeys();
    }
}
