using System.Text;
using CsCheck;

namespace Gateway.Tests.Yaml;

/// <summary>
/// Random documents (nested mappings and lists, block and flow, plain, quoted, multi-line and block scalars, comments,
/// blank lines, indentation of 2 or 4, lists indented under their key or not) rendered to YAML text: the gateway's
/// reader and YamlDotNet must build the same tree, node for node, position for position.
/// </summary>
public class YamlReaderPropertyTests
{
    private static int _read;
    private static int _total;

    [Fact]
    public void RandomDocumentsReadAsYamlDotNetReadsThem()
    {
        _read = 0;
        _total = 0;
        Gen.Int.Sample(seed =>
        {
            var text = new DocumentWriter(new Random(seed)).Document();
            var expected = YamlTrees.Reference(text);
            var actual = YamlTrees.Ours(text);
            Interlocked.Increment(ref _total);
            if (!YamlTrees.IsError(expected)) Interlocked.Increment(ref _read);
            if (YamlTrees.IsError(expected)) Assert.True(YamlTrees.IsError(actual), $"YamlDotNet refuses (seed {seed}):\n{text}\n{expected}\nours read:\n{actual}");
            else Assert.True(expected == actual, $"seed {seed}, text:\n{text}\nYamlDotNet:\n{expected}\nours:\n{actual}");
        }, iter: 3000, threads: 1);
        // the generator must produce YAML, or the comparison above proves nothing
        Assert.True(_read > _total * 9 / 10, $"only {_read} of {_total} generated documents were valid YAML");
    }

    private sealed class DocumentWriter(Random r)
    {
        private static readonly string[] Keys = ["id", "type", "port", "host", "name", "a b", "x-y", "path", "enabled", "é", "k1", "password", "_x", "on"];
        private static readonly string[] BlockPlain = ["ups", "a b", "x#y", "http://h:1/p", "/dev/ttyUSB0", "-5", "1.5e3", "true", "null", "~", "é ü 中", "a:b", "x-y", "two  spaces", "0x1F", "yes", "192.168.1.10", "it's", "say \"hi\"", "50%"];
        private static readonly string[] FlowPlain = ["ups", "a b", "/dev/x", "-5", "1.5", "true", "null", "~", "é", "x-y", "0x1F"];
        private const string Chars = "ab c'\"\\#:-[]{},&*!|>%@`\t\né中😀~";
        private readonly int _step = r.Next(2) == 0 ? 2 : 4;
        private readonly StringBuilder _sb = new();

        public string Document()
        {
            if (r.Next(5) == 0) _sb.Append("# generated\n");
            if (r.Next(6) == 0) _sb.Append("---\n");
            if (r.Next(8) == 0) { _sb.Append(Flow(r.Next(2) == 0, 0, 0)).Append('\n'); return _sb.ToString(); }
            BlockMapping(0, depth: 0, firstPrefix: null, count: r.Next(1, 6));
            if (r.Next(8) == 0) _sb.Append("...\n");
            return _sb.ToString();
        }

        private void BlockMapping(int indent, int depth, string? firstPrefix, int count)
        {
            var keys = Keys.OrderBy(_ => r.Next()).Take(count).ToList();
            for (var i = 0; i < keys.Count; i++)
            {
                if (r.Next(10) == 0) _sb.Append('\n');
                if (r.Next(12) == 0) _sb.Append(' ', r.Next(indent + 3)).Append("# note\n");
                _sb.Append(i == 0 && firstPrefix is not null ? firstPrefix : new string(' ', indent));
                _sb.Append(Key(keys[i])).Append(':');
                Value(indent, depth);
            }
        }

        private string Key(string key) => r.Next(6) switch
        {
            0 => "'" + key.Replace("'", "''") + "'",
            1 => "\"" + key + "\"",
            _ => key,
        };

        /// <summary>After "key:" on the current line.</summary>
        private void Value(int indent, int depth)
        {
            var choice = depth >= 4 ? r.Next(5) : r.Next(9);
            switch (choice)
            {
                case 0 or 1:
                    _sb.Append(' ').Append(Scalar(flow: false, indent)).Append(Comment()).Append('\n');
                    break;
                case 2:
                    BlockScalar(indent);
                    break;
                case 3:
                    _sb.Append(r.Next(3) == 0 ? "" : " ~").Append(Comment()).Append('\n');
                    break;
                case 4:
                    _sb.Append(' ').Append(Flow(r.Next(2) == 0, depth + 1, indent)).Append(Comment()).Append('\n');
                    break;
                case 5 or 6:
                    _sb.Append(Comment()).Append('\n');
                    BlockMapping(indent + _step, depth + 1, null, r.Next(1, 4));
                    break;
                default:
                    _sb.Append(Comment()).Append('\n');
                    BlockSequence(r.Next(2) == 0 ? indent : indent + _step, depth + 1);
                    break;
            }
        }

        private void BlockSequence(int indent, int depth)
        {
            var n = r.Next(1, 4);
            for (var i = 0; i < n; i++)
            {
                var dash = new string(' ', indent) + "-";
                switch (depth >= 4 ? r.Next(2) : r.Next(6))
                {
                    case 0:
                        _sb.Append(dash).Append(' ').Append(Scalar(flow: false, indent)).Append(Comment()).Append('\n');
                        break;
                    case 1:
                        _sb.Append(dash).Append(' ').Append(Flow(r.Next(2) == 0, depth + 1, indent)).Append('\n');
                        break;
                    case 2 or 3:
                        // compact "- key: value" with the other keys under the first
                        BlockMapping(indent + 2, depth + 1, dash + " ", r.Next(1, 4));
                        break;
                    case 4:
                        _sb.Append(dash).Append('\n');
                        BlockMapping(indent + _step, depth + 1, null, r.Next(1, 3));
                        break;
                    default:
                        _sb.Append(dash);
                        BlockScalar(indent);
                        break;
                }
            }
        }

        private void BlockScalar(int indent)
        {
            _sb.Append(' ').Append(r.Next(2) == 0 ? '|' : '>').Append(r.Next(3) switch { 0 => "-", 1 => "+", _ => "" }).Append(Comment()).Append('\n');
            var lines = r.Next(1, 5);
            var pad = new string(' ', indent + _step);
            for (var i = 0; i < lines; i++)
            {
                if (i > 0 && r.Next(4) == 0) _sb.Append('\n');
                _sb.Append(pad);
                if (i > 0 && r.Next(5) == 0) _sb.Append("  ");
                _sb.Append(BlockPlain[r.Next(BlockPlain.Length)]).Append('\n');
            }
            if (r.Next(3) == 0) _sb.Append('\n');
        }

        private string Comment() => r.Next(6) == 0 ? " # c" : "";

        private string Scalar(bool flow, int indent)
        {
            switch (r.Next(flow ? 3 : 4))
            {
                case 0:
                    var plain = flow ? FlowPlain[r.Next(FlowPlain.Length)] : BlockPlain[r.Next(BlockPlain.Length)];
                    // a plain value continued on the next line, more indented
                    if (!flow && plain.Contains(' ') && !plain.Contains("  ") && r.Next(3) == 0)
                        plain = plain.Replace(" ", "\n" + new string(' ', indent + 1 + r.Next(3)));
                    return plain;
                case 1:
                    var text = Random(excluding: "\n\t");
                    var single = "'" + text.Replace("'", "''") + "'";
                    return !flow && r.Next(4) == 0 ? single.Replace(" ", "\n" + new string(' ', indent + 1)) : single;
                default:
                    var d = new StringBuilder("\"");
                    foreach (var c in Random(excluding: ""))
                        d.Append(c switch { '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", '\t' => r.Next(2) == 0 ? "\\t" : "\t", 'é' => "\\u00e9", _ => c.ToString() });
                    d.Append('"');
                    return !flow && r.Next(5) == 0 ? d.ToString().Replace(" ", "\\\n" + new string(' ', indent + 2) + "\\ ") : d.ToString();
            }
        }

        private string Random(string excluding)
        {
            var sb = new StringBuilder();
            var n = r.Next(0, 10);
            while (sb.Length < n)
            {
                var c = Chars[r.Next(Chars.Length)];
                if (char.IsSurrogate(c) || excluding.Contains(c)) continue;
                sb.Append(c);
            }
            return sb.ToString();
        }

        private string Flow(bool sequence, int depth, int indent)
        {
            var n = r.Next(0, 4);
            var items = new List<string>();
            var keys = Keys.OrderBy(_ => r.Next()).Take(n).ToList();
            for (var i = 0; i < n; i++)
            {
                var value = depth < 5 && r.Next(4) == 0 ? Flow(r.Next(2) == 0, depth + 1, indent) : Scalar(flow: true, 0);
                items.Add(sequence ? value : $"{Key(keys[i])}: {value}");
            }
            var sep = r.Next(5) == 0 ? ",\n" + new string(' ', indent + 1 + r.Next(3)) : ", ";
            return (sequence ? "[" : "{") + string.Join(sep, items) + (sequence ? "]" : "}");
        }
    }
}
