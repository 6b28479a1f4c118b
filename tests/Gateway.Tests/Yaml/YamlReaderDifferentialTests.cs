using System.Text.RegularExpressions;
using Gateway.Tests.Support;
using Gateway.Yaml;

namespace Gateway.Tests.Yaml;

/// <summary>
/// The gateway's <see cref="YamlReader"/> against YamlDotNet (the reference, test project only): the same tree — kind,
/// value, quoted or plain, line:column of every node — for every YAML file and YAML block of the repository and for
/// hand-written tricky documents; where YamlDotNet refuses a text, ours refuses it too.
/// </summary>
public partial class YamlReaderDifferentialTests
{
    public static TheoryData<string> RepositoryYaml()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Root, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(RepoPaths.Root, file);
            if (rel.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or ".git" or "node_modules")) continue;
            var name = Path.GetFileName(file);
            if (name.Contains(".yaml", StringComparison.Ordinal) || name.Contains(".yml", StringComparison.Ordinal)) data.Add(rel);
            else if (name.EndsWith(".md", StringComparison.Ordinal) || name.EndsWith(".sh", StringComparison.Ordinal))
            {
                var blocks = Blocks(file);
                for (var i = 0; i < blocks.Count; i++) data.Add($"{rel}#{i}");
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RepositoryYaml))]
    public void EveryYamlTextOfTheRepositoryReadsAsYamlDotNetReadsIt(string source)
    {
        var text = Text(source);
        var expected = YamlTrees.Reference(text);
        var actual = YamlTrees.Ours(text);
        if (YamlTrees.IsError(expected)) Assert.True(YamlTrees.IsError(actual), $"YamlDotNet refuses {source} ({expected}) but ours read it:\n{actual}");
        else Assert.Equal(expected, actual);
    }

    [Fact]
    public void TheRepositoryHasYamlToCompare()
    {
        var sources = ((IEnumerable<object[]>)RepositoryYaml()).Select(row => (string)row[0]).ToList();
        Assert.Contains(sources, s => s == "config.yaml.example");
        Assert.True(sources.Count >= 10, $"only {sources.Count} YAML texts found");
    }

    public static TheoryData<string> Tricky() =>
    [
        "",
        "# only a comment\n",
        "a: 1\n",
        "a: 1\nb: two words\nc:\n",
        "a:\n  b:\n    c: deep\n  d: e\nf: g\n",
        "list:\n- a\n- b\nnext: 1\n",
        "list:\n  - a\n  -   b\n  -\n  - c # comment\n",
        "devices:\n  - id: ups\n    type: must\n    port: /dev/ttyUSB0\n  - id: meter\n    type: modbus\n",
        "- - a\n  - b\n- - c\n",
        "- a: 1\n  b: 2\n- c: 3\n",
        "a: [1, 2, three]\nb: {x: 1, y: two}\nc: []\nd: {}\n",
        "a: [1, [2, 3], {k: v}]\n",
        "a: [\n  one,\n  two,\n]\n",
        "a: {x: 1,\n    y: 2}\n",
        "a: {x, y: }\n",
        "a: 'single ''quoted'' text'\nb: \"double \\\"quoted\\\" \\t tab \\u00e9 \\x41 \\\\ back\"\n",
        "a: 'multi\n  line\n\n  folded'\n",
        "a: \"multi\n  line \\\n  escaped\"\n",
        "a: plain\n  continued\n  on lines\n\n  with blank\nb: 1\n",
        "- plain\n  continued\n",
        "a: |\n  literal\n   indented\n  text\n\nb: 1\n",
        "a: |-\n  stripped\n\n\nb: 1\n",
        "a: |+\n  kept\n\n\nb: 1\n",
        "a: >\n  folded\n  text\n\n  paragraph\n    more indented\n  back\nb: 1\n",
        "a: >-\n  folded\n  stripped\n",
        "a: |2\n    two extra\n  base\n",
        "a: |\n\n  after blank\n",
        "a: |\n  last line without break",
        "- |\n  in a list\n- >\n  folded\n  item\n",
        "a: &anchor\n  x: 1\nb: *anchor\n",
        "a: &v value\nb: *v\nc: [*v, *v]\n",
        "a: &x\n  b: *x\n",
        "a: &l\n  - 1\nb: *l\n",
        "- &i item\n- *i\n",
        "---\na: 1\n...\n",
        "--- \na: 1\n",
        "--- plain root\n",
        "a: 1\n---\nb: 2\n",
        "---\n---\n",
        "---\n",
        "a: ~\nb: null\nc: Null\nd: 'null'\ne: \"~\"\n",
        "a: 1 # comment\n# full line\nb: 2 #\n",
        "a: x#y\nb: x #y\nc: http://host:80/path\nd: a:b\n",
        "url: \"http://x\"\nkey with spaces: v\n\"quoted key\": v\n'single key': v\n",
        "a:    spaced value   \n",
        "a:\n\n  b: 1\n\n\n  c: 2\n",
        "a:\n  # comment inside\n  b: 1\n",
        "a:\tb\n",
        "a: -1\nb: -\nc: - x\n",
        "a: 0x1F\nb: 1e3\nc: .5\nd: +1\ne: true\nf: yes\n",
        "a: \"\"\nb: ''\n",
        "a: é ü 中文 😀\n",
        "a: b\r\nc: d\r\n",
        "a: [\"x, y\", 'z]']\n",
        "a: {\"k\": v, 'l': w}\n",
        "a: [a b, c  d]\n",
        "? complex\n: key\n",
        "a: !tag x\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: 1\na: 2\n",
        "a:\n  b: 1\n  b: 2\n",
        "a: b: c\n",
        "a:\n  b: 1\n c: 2\n",
        "a: [unclosed\n",
        "a: {unclosed: 1\n",
        "a: 'unclosed\n",
        "a: \"unclosed\n",
        "\tkey: v\n",
        "a:\n\tb: 1\n",
        "a: *missing\n",
        "- a\nb: 1\n",
        "a: 1\n- b\n",
        "a: \"x\" trailing\n",
        "a: [1, 2] trailing\n",
        "plain\n",
        "- 1\n- 2\n",
        "key\n",
        "a:\n  - b\n  c: d\n",
        "a: b\n  c: d\n",
        "a: |\n text\n more\n",
        "a:\n- x\n- y\nb:\n  - z\n",
        "a: \"\\q\"\n",
        "a: \"\\u12\"\n",
        "a: [a, , b]\n",
        "a: [a,, b]\n",
        "a: ,x\n",
        "a: @x\n",
        "a: `x\n",
        "a: %x\n",
        "&a a: 1\n",
        "a: &x\nb: *x\n",
        "a: 1\n...\n---\nb: 2\n",
        "key: |\n  text\n# comment\nnext: 1\n",
        "a:\n  - b: 1\n    c:\n      - d\n      - e\n  - f\n",
        "a: 'it''s'\n",
        "a: \"line1\\nline2\"\n",
        "a: [1, 2\n  , 3]\n",
        "a: >\n\n  leading blank\n",
        "a: |\n  x\n  \n  y\n",
        "emptymap: {}\nemptyseq: []\n",
        "a: - \n",
        "- - - deep\n",
        "a:\n  -\n    b: 1\n",
        "-\n  - x\n",
        "a: 'x'\nb: \"y\"\n",
        "[a, b]\n",
        "{a: 1}\n",
        "a: {b: [c, {d: e}]}\n",
        "a:\n  b: [1,\n  2]\n",
        "a:\n  b: [1,\n    2]\n",
        "- [a,\n b]\n",
        "a: 1\n\"a\": 2\n",
        "a: 1\n'a': 2\n",
        "\"a\n b\": 1\n",
        "x: 1\n'a\n b': 1\n",
        "a: [1, 2]\nb: {c: [d, e], f: {g: h}}\n",
        "a: >\n  one\n\n\n  two\n",
        "a: |\n    four\n  two\n",
        "a:   # comment after key\n  b: 1\n",
        "a: &x # anchored mapping\n  b: 1\nc: *x\n",
        "a: \"x\"   \nb: 'y'  # c\n",
        "list:\n- a: 1\n  b: 2\n- c\n",
        "a: 'x' \n",
        "a: '' # empty\n",
        "- \"\"\n- ''\n-\n",
        "a: b #c\n  d\n",
        "a:\n  - 1\n  -  - 2\n     - 3\n",
        "a: !!str 1\n",
        "a: [b: c]\n",
        "*a : 1\n",
        "[a]: 1\n",
        "base: &b\n  x: 1\nc:\n  <<: *b\n  y: 2\n",
    ];

    [Theory]
    [MemberData(nameof(Tricky))]
    public void TrickyDocumentsReadAsYamlDotNetReadsThemOrAreRefused(string text)
    {
        var expected = YamlTrees.Reference(text);
        var actual = YamlTrees.Ours(text);
        if (YamlTrees.IsError(expected) || YamlTrees.IsError(actual))
            Assert.True(YamlTrees.IsError(expected) == YamlTrees.IsError(actual) || RefusedByDesign(text),
                $"one reader refused the text and the other did not:\nYamlDotNet: {expected}\nours: {actual}");
        else Assert.Equal(expected, actual);
    }

    [Fact]
    public void AByteOrderMarkIsNotPartOfTheFirstKey()
    {
        // YamlDotNet reads a string's BOM into the first scalar; File.ReadAllText drops it, and so does the gateway's reader.
        Assert.Equal(YamlTrees.Reference("a: 1\n"), YamlTrees.Ours("\uFEFFa: 1\n"));
    }

    /// <summary>What the gateway does not read (YamlDotNet does): tags, directives, complex keys. Refused, never misread.</summary>
    private static bool RefusedByDesign(string text) =>
        text.Contains('!') || text.StartsWith('%') || text.StartsWith("? ", StringComparison.Ordinal) || ComplexKeys.Contains(text);

    /// <summary>A list, a pair in a list, an alias as a key: YamlDotNet builds a tree for these, no config needs one.</summary>
    private static readonly HashSet<string> ComplexKeys = ["[a]: 1\n", "a: [b: c]\n", "*a : 1\n"];

    private static string Text(string source)
    {
        var hash = source.IndexOf('#');
        if (hash < 0) return File.ReadAllText(RepoPaths.File(source));
        return Blocks(RepoPaths.File(source[..hash]))[int.Parse(source[(hash + 1)..], System.Globalization.CultureInfo.InvariantCulture)].Groups["yaml"].Value;
    }

    /// <summary>The YAML inside a file: ```yaml blocks of Markdown, here-documents written to a .yaml file by a script.</summary>
    private static MatchCollection Blocks(string file) =>
        (file.EndsWith(".md", StringComparison.Ordinal) ? YamlBlock() : YamlHereDocument()).Matches(File.ReadAllText(file));

    [GeneratedRegex("```ya?ml\\n(?<yaml>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [GeneratedRegex("\\.ya?ml\"? *<<'?(\\w+)'?\\n(?<yaml>.*?)\\n\\1\\n", RegexOptions.Singleline)]
    private static partial Regex YamlHereDocument();
}
