using Gateway.Yaml;

namespace Gateway.Tests.Yaml;

/// <summary>What the reader refuses: a <see cref="YamlException"/> at the right line and column that says what to write instead.</summary>
public class YamlReaderErrorTests
{
    [Theory]
    [InlineData("a:\n\tb: 1\n", 2, 1, "tab")]
    [InlineData("a: !tag x\n", 1, 4, "tags")]
    [InlineData("%YAML 1.1\n---\na: 1\n", 1, 1, "directives")]
    [InlineData("? complex\n: key\n", 1, 1, "complex keys")]
    [InlineData("a: [b: c]\n", 1, 5, "{ key: value }")]
    [InlineData("[a]: 1\n", 1, 1, "cannot be a key")]
    [InlineData("a: 'unclosed\nb: 1\n", 1, 4, "no closing '")]
    [InlineData("a: \"unclosed\n", 1, 4, "no closing \"")]
    [InlineData("a: [1, 2\n", 1, 4, "not closed")]
    [InlineData("a: *missing\n", 1, 4, "&missing")]
    [InlineData("a:\n  b: 1\n  b: 2\n", 3, 3, "duplicate key 'b' (first at line 2)")]
    [InlineData("a: b: c\n", 1, 5, "next line")]
    [InlineData("a:\n  b: 1\n c: 2\n", 3, 2, "indented")]
    [InlineData("a: \"x\" trailing\n", 1, 8, "after the value")]
    [InlineData("a: \"\\q\"\n", 1, 5, "unknown escape")]
    [InlineData("- a\nb: 1\n", 2, 1, "'- ' list item")]
    [InlineData("a:\n  b: [1,\n  2]\n", 3, 3, "indented more")]
    public void RefusedTextSaysWhereAndWhatToWrite(string text, int line, int column, string says)
    {
        var e = Assert.ThrowsAny<YamlException>(() => YamlReader.ReadDocuments(text));
        Assert.Contains(says, e.Message);
        Assert.Equal(new Mark(line, column), e.Start);
    }

    [Fact]
    public void NestingDeeperThanTheLimitIsRefusedWhereItGoesTooDeep()
    {
        var e = Assert.Throws<YamlTooDeepException>(() => YamlReader.ReadDocuments("a: " + new string('[', 5) + new string(']', 5), maxDepth: 3));
        Assert.Equal(new Mark(1, 6), e.Start); // the third '[' is the fourth level under the mapping
    }

    [Fact]
    public void AnAliasInsideItsOwnAnchorIsTheSameNode()
    {
        var root = (YamlMappingNode)YamlReader.ReadDocuments("m: &m\n  host: h\n  loop: *m\n")[0];
        var m = (YamlMappingNode)root.Children[new YamlScalarNode("m")];
        Assert.Same(m, m.Children[new YamlScalarNode("loop")]);
    }

    [Fact]
    public void AMappingOfFiftyThousandKeysIsRead()
    {
        var text = string.Concat(Enumerable.Range(0, 50_000).Select(i => $"k{i}: {i}\n"));
        var root = (YamlMappingNode)YamlReader.ReadDocuments(text)[0];
        Assert.Equal(50_000, root.Children.Count);
        Assert.Equal("49999", ((YamlScalarNode)root.Children[new YamlScalarNode("k49999")]).Value);
    }
}
