using System.Text;
using Gateway.Yaml;
using Ref = YamlDotNet.RepresentationModel;

namespace Gateway.Tests.Yaml;

/// <summary>
/// Both readers' trees as the same text (kind, value, quoted/plain style, line:column of every node) so a differential
/// test can compare them; an alias seen again prints as a reference to its first position (trees with cycles end).
/// </summary>
public static class YamlTrees
{
    /// <summary>The gateway's reader: every document, or "error at line:column" when it refuses the text.</summary>
    public static string Ours(string text)
    {
        try
        {
            var sb = new StringBuilder();
            foreach (var root in YamlReader.ReadDocuments(text))
            {
                sb.Append("--- ");
                Describe(root, sb, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance), 0);
            }
            return sb.ToString();
        }
        catch (YamlException e)
        {
            return $"error at {e.Start.Line}:{e.Start.Column}: {e.Message}";
        }
    }

    /// <summary>YamlDotNet's RepresentationModel, the reference.</summary>
    public static string Reference(string text)
    {
        var stream = new Ref.YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            var start = e is YamlDotNet.Core.YamlException y ? $"{y.Start.Line}:{y.Start.Column}" : "?";
            return $"error at {start}: {e.Message}";
        }
        var sb = new StringBuilder();
        var converted = new Dictionary<Ref.YamlNode, YamlNode>(ReferenceEqualityComparer.Instance);
        foreach (var doc in stream.Documents)
        {
            sb.Append("--- ");
            Describe(Convert(doc.RootNode, converted), sb, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance), 0);
        }
        return sb.ToString();
    }

    public static bool IsError(string description) => description.StartsWith("error at ", StringComparison.Ordinal);

    private static void Describe(YamlNode node, StringBuilder sb, HashSet<YamlNode> seen, int indent)
    {
        var at = $"@{node.Start.Line}:{node.Start.Column}";
        if (!seen.Add(node))
        {
            sb.Append("*alias ").Append(at).Append('\n');
            return;
        }
        switch (node)
        {
            case YamlScalarNode s:
                sb.Append("scalar ").Append(s.Style).Append(' ').Append(Quote(s.Value)).Append(' ').Append(at).Append('\n');
                break;
            case YamlSequenceNode seq:
                sb.Append("seq ").Append(at).Append('\n');
                foreach (var c in seq.Children)
                {
                    sb.Append(' ', indent + 2).Append("- ");
                    Describe(c, sb, seen, indent + 2);
                }
                break;
            case YamlMappingNode map:
                sb.Append("map ").Append(at).Append('\n');
                foreach (var (k, v) in map.Children)
                {
                    sb.Append(' ', indent + 2).Append("? ");
                    Describe(k, sb, seen, indent + 2);
                    sb.Append(' ', indent + 2).Append(": ");
                    Describe(v, sb, seen, indent + 2);
                }
                break;
        }
    }

    /// <summary>YamlDotNet's tree as the gateway's nodes (same kinds, values, styles, positions; an alias stays the same node).</summary>
    private static YamlNode Convert(Ref.YamlNode node, Dictionary<Ref.YamlNode, YamlNode> done)
    {
        if (done.TryGetValue(node, out var known)) return known;
        var start = new Mark((int)node.Start.Line, (int)node.Start.Column);
        switch (node)
        {
            case Ref.YamlScalarNode s:
                return done[node] = new YamlScalarNode(s.Value) { Style = Enum.Parse<ScalarStyle>(s.Style.ToString()), Start = start };
            case Ref.YamlSequenceNode seq:
            {
                var ours = new YamlSequenceNode { Start = start };
                done[node] = ours;
                foreach (var c in seq.Children) ours.Children.Add(Convert(c, done));
                return ours;
            }
            case Ref.YamlMappingNode map:
            {
                var ours = new YamlMappingNode { Start = start };
                done[node] = ours;
                foreach (var (k, v) in map.Children)
                    if (!ours.Children.TryAdd(Convert(k, done), Convert(v, done)))
                        throw new Xunit.Sdk.XunitException($"YamlDotNet keeps two keys '{k}' at {start} that the gateway's mapping counts as one");
                return ours;
            }
            default:
                throw new Xunit.Sdk.XunitException($"YamlDotNet node {node.GetType().Name} at {start}");
        }
    }

    private static string Quote(string? s)
    {
        if (s is null) return "<null>";
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            if (c is '"' or '\\') sb.Append('\\').Append(c);
            else if (c < ' ' || c is '\u0085' or '\u2028' or '\u2029') sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
