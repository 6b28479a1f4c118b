using System.Globalization;
using System.Text;

namespace Gateway.Yaml;

/// <summary>
/// Reads the YAML people write in a config file into a <see cref="YamlNode"/> tree: block mappings and lists (also
/// <c>- key: v</c> items and lists not indented under their key), flow <c>[a, b]</c> and <c>{a: 1}</c>, plain, single- and
/// double-quoted scalars, literal <c>|</c> and folded <c>&gt;</c> block scalars, comments, <c>---</c>/<c>...</c>, anchors and aliases.
/// Everything else (tags, directives, <c>? </c> keys, a list or mapping as a key) is a <see cref="YamlException"/>
/// saying where and what to write instead, never a silent misread.
/// </summary>
/// <remarks>
/// Written for the gateway instead of YamlDotNet: that library's scanner builds <c>Regex</c> objects at run time, which
/// links the regex interpreter into the native binary (bench/results.md). Positions and scalar values follow YamlDotNet's
/// (libyaml's) rules, which a differential test in the test project checks against YamlDotNet itself.
/// </remarks>
public sealed class YamlReader
{
    private readonly string _s;
    private readonly int _maxDepth;
    private readonly List<int> _lineStarts = [0];
    private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
    private int _p;

    /// <summary>Lines inside a [ ] or { } that spans lines must be indented at least this far (more than the block around it).</summary>
    private int _flowMinCol;

    private YamlReader(string text, int maxDepth)
    {
        _s = text.Contains('\r') ? text.Replace("\r\n", "\n").Replace('\r', '\n') : text;
        // a byte-order mark is not text (File.ReadAllText drops it; an uploaded file may still have one)
        if (_s.Length > 0 && _s[0] == '\uFEFF') _s = _s[1..];
        _maxDepth = maxDepth;
        for (var i = 0; i < _s.Length; i++)
            if (_s[i] == '\n') _lineStarts.Add(i + 1);
    }

    /// <summary>The root node of each document in <paramref name="text"/> (none for an empty file or only comments).</summary>
    public static IReadOnlyList<YamlNode> ReadDocuments(string text, int maxDepth = 64) => new YamlReader(text, maxDepth).Documents();

    private List<YamlNode> Documents()
    {
        var docs = new List<YamlNode>();
        SkipToContent(block: false);
        while (_p < _s.Length)
        {
            if (Col(_p) == 0 && Cur == '%')
                throw Error(_p, "YAML directives ('%YAML', '%TAG') are not supported; delete the line");
            _anchors.Clear();
            if (AtDocumentMarker('.'))
            {
                _p += 3;
                EndOfLine();
                SkipToContent(block: false);
                continue;
            }
            YamlNode root;
            if (AtDocumentMarker('-'))
            {
                _p += 3;
                root = Node(-1, _p, inlineCollections: true, indentlessSequence: false, depth: 0);
                // an empty document is an empty scalar where the next token ends (libyaml's position for it)
                if (root is YamlScalarNode { Value: "", Style: ScalarStyle.Plain } && AtLineContentStart())
                    root.Start = _p >= _s.Length ? At(_p) with { Column = At(_p).Column + 1 } : AtDocumentMarker('-') || AtDocumentMarker('.') ? At(_p + 3) : root.Start;
            }
            else root = Node(-1, _p, inlineCollections: true, indentlessSequence: false, depth: 0);
            docs.Add(root);
            FinishLine(block: false);
            if (_p < _s.Length && !AtDocumentMarker('-') && !AtDocumentMarker('.'))
                throw Error(_p, "this line is not part of the document above (check its indentation), or start a new document with '---'");
        }
        return docs;
    }

    // ---- block structure ------------------------------------------------------------------------------------------

    /// <summary>
    /// A node after an indicator (<c>key:</c>, <c>- </c>, <c>---</c>): on the same line, on the following more indented
    /// lines, or an empty scalar at <paramref name="emptyAt"/>.
    /// </summary>
    private YamlNode Node(int parentIndent, int emptyAt, bool inlineCollections, bool indentlessSequence, int depth)
    {
        SkipBlanks();
        var propsAt = -1;
        string? anchor = null;
        if (Cur == '&')
        {
            propsAt = _p;
            anchor = AnchorName();
            SkipBlanks();
        }
        CheckProperties();
        if (AtLineEnd())
        {
            SkipToContent(block: true);
            var c = Col(_p);
            var more = _p < _s.Length && !AtDocumentMarker('-') && !AtDocumentMarker('.') &&
                       (c > parentIndent || (indentlessSequence && c == parentIndent && AtEntry()));
            if (!more) return Register(anchor, Empty(propsAt >= 0 ? propsAt : emptyAt));
            // an anchor on a line of its own belongs to the node below it, which may be a mapping or a list
            return Content(c, parentIndent, inlineCollections: true, depth, anchor, propsAt >= 0 ? propsAt : _p, anchorOnOwnLine: true);
        }
        return Content(Col(propsAt >= 0 ? propsAt : _p), parentIndent, inlineCollections, depth, anchor, propsAt >= 0 ? propsAt : _p, anchorOnOwnLine: false);
    }

    /// <summary>
    /// The node whose first character (after its anchor) is at <see cref="_p"/>; <paramref name="col"/> is where it (or
    /// its anchor) starts, <paramref name="startAt"/> the index of that start.
    /// </summary>
    private YamlNode Content(int col, int parentIndent, bool inlineCollections, int depth, string? anchor, int startAt, bool anchorOnOwnLine)
    {
        CheckProperties();
        var c = Cur;
        if (c == '-' && IsBlankOrEnd(_p + 1))
        {
            if (!inlineCollections) throw Error(_p, "a list item ('- ') cannot follow 'key:' on the same line; put the list on the next lines, one '- ' item per line");
            return Sequence(Col(_p), startAt, anchor, indentless: Col(_p) == parentIndent, depth + 1);
        }
        if (c == '?' && IsBlankOrEnd(_p + 1))
            throw Error(_p, "complex keys ('? ') are not supported; write 'key: value'");
        if (c is '|' or '>')
            return Register(anchor, BlockScalar(parentIndent, startAt));
        if (c is '[' or '{')
        {
            var flowAt = _p;
            _flowMinCol = parentIndent + 1;
            var flow = Flow(startAt, anchor, depth + 1);
            SkipBlanks();
            if (Cur == ':' && IsBlankOrEnd(_p + 1))
                throw Error(flowAt, "a list or mapping cannot be a key; write 'key: value' with a plain or quoted key");
            return flow;
        }
        var at = _p;
        if (c == '*')
        {
            if (anchor is not null) throw Error(startAt, "an alias ('*name') cannot have an anchor ('&name'); remove one of them");
            var aliased = Alias();
            SkipBlanks();
            if (Cur == ':' && IsBlankOrEnd(_p + 1))
                throw Error(at, "an alias ('*name') cannot be a key; write the key itself");
            return aliased;
        }
        var node = Scalar(parentIndent, flow: false, -1);
        var multiLine = LineOf(_p) != LineOf(at);
        var afterValue = _p;
        SkipBlanks();
        if (Cur == ':' && IsBlankOrEnd(_p + 1))
        {
            if (multiLine) throw Error(at, "a key must fit on one line; join the lines, or indent the continuation further if it is part of a value");
            if (!inlineCollections) throw Error(_p, "a value cannot be another 'key: value' on the same line; put the nested key on the next line, indented");
            if (anchorOnOwnLine) return Mapping(col, node, depth + 1, At(startAt), anchor);
            // an anchor written before the first key on its line belongs to the key, not to the mapping
            node.Start = At(startAt);
            Register(anchor, node);
            return Mapping(col, node, depth + 1, At(startAt), null);
        }
        _p = afterValue;
        node.Start = At(startAt);
        return Register(anchor, node);
    }

    private YamlMappingNode Mapping(int col, YamlScalarNode firstKey, int depth, Mark start, string? anchor)
    {
        var map = new YamlMappingNode { Start = start };
        CheckDepth(depth, start);
        Register(anchor, map);
        var key = firstKey;
        while (true)
        {
            // at the ':' after the key
            _p++;
            var value = Node(col, _p, inlineCollections: false, indentlessSequence: true, depth);
            if (!map.Children.TryAdd(key, value))
            {
                var first = map.Children.Keys.First(k => k.Equals(key));
                throw new YamlException(key.Start, $"duplicate key '{key.Value}' (first at line {first.Start.Line}); keep one of them");
            }
            FinishLine(block: true);
            if (_p >= _s.Length || AtDocumentMarker('-') || AtDocumentMarker('.')) return map;
            var c = Col(_p);
            if (c < col) return map;
            if (c > col) throw Error(_p, $"this line is indented more than the key '{firstKey.Value}' at line {firstKey.Start.Line} and its neighbours; indent it like them, or put it under a key that ends with ':'");
            key = Key();
        }
    }

    /// <summary>A key of a block mapping after the first, at the mapping's indentation; leaves <see cref="_p"/> at its ':'.</summary>
    private YamlScalarNode Key()
    {
        var at = _p;
        string? anchor = null;
        if (Cur == '&')
        {
            anchor = AnchorName();
            SkipBlanks();
        }
        CheckProperties();
        var c = Cur;
        if (c == '-' && IsBlankOrEnd(_p + 1))
            throw Error(_p, "a list item ('- ') where a key was expected; indent the list under its key or make this line 'key: value'");
        if (c == '?' && IsBlankOrEnd(_p + 1))
            throw Error(_p, "complex keys ('? ') are not supported; write 'key: value'");
        if (c is '[' or '{' or '*' or '|' or '>')
            throw Error(_p, "a list, mapping, alias or block text cannot be a key; write 'key: value' with a plain or quoted key");
        var key = Scalar(int.MaxValue - 1, flow: false, at);
        if (LineOf(_p) != LineOf(at)) throw Error(at, "a key must fit on one line; close its quotes on the same line");
        SkipBlanks();
        if (Cur != ':' || !IsBlankOrEnd(_p + 1))
            throw Error(at, $"'{Shorten(key.Value)}' has no ':' after it; write 'key: value' (or indent it if it continues the value above)");
        Register(anchor, key);
        return key;
    }

    private YamlSequenceNode Sequence(int col, int startAt, string? anchor, bool indentless, int depth)
    {
        var seq = new YamlSequenceNode { Start = At(startAt) };
        CheckDepth(depth, seq.Start);
        Register(anchor, seq);
        while (true)
        {
            // at the '-'
            _p++;
            seq.Children.Add(Node(col, _p, inlineCollections: true, indentlessSequence: false, depth));
            FinishLine(block: true);
            if (_p >= _s.Length || AtDocumentMarker('-') || AtDocumentMarker('.')) return seq;
            var c = Col(_p);
            if (c < col) return seq;
            if (c > col) throw Error(_p, "this line is indented more than the '- ' items of its list; indent it like them, or put it under a key that ends with ':'");
            if (!AtEntry())
            {
                if (indentless) return seq;
                throw Error(_p, "expected a '- ' list item at this indentation; indent this line differently or make it a list item");
            }
        }
    }

    /// <summary>After a node: the rest of its line must be blank or a comment; then on to the next line with content.</summary>
    private void FinishLine(bool block)
    {
        if (!AtLineContentStart()) EndOfLine();
        SkipToContent(block);
    }

    private void EndOfLine()
    {
        SkipBlanks();
        if (Cur == '#') SkipComment();
        if (_p < _s.Length && Cur != '\n')
            throw Error(_p, $"unexpected '{Shorten(RestOfLine())}' after the value; quote the whole value or move this to its own line");
        if (_p < _s.Length) _p++;
    }

    /// <summary>Skips blank lines, comments and indentation; stops at the first content character (or the end).</summary>
    private void SkipToContent(bool block)
    {
        while (_p < _s.Length)
        {
            var lineStart = _p;
            var tabAt = -1;
            while (_p < _s.Length && Cur is ' ' or '\t')
            {
                if (Cur == '\t' && tabAt < 0 && AtLineContentStart()) tabAt = _p;
                _p++;
            }
            if (_p >= _s.Length) return;
            if (Cur == '\n') { _p++; continue; }
            if (Cur == '#' && (_p == lineStart || _s[_p - 1] is ' ' or '\t' or '\n')) { SkipComment(); continue; }
            if (tabAt >= 0 && block && IsLineStart(lineStart))
                throw Error(tabAt, "a tab is used for indentation; YAML indentation must be spaces");
            return;
        }
    }

    private bool IsLineStart(int i) => i == 0 || _s[i - 1] == '\n';

    // ---- scalars --------------------------------------------------------------------------------------------------

    private YamlScalarNode Scalar(int parentIndent, bool flow, int startAt)
    {
        var c = Cur;
        var at = _p;
        string value;
        ScalarStyle style;
        if (c == '\'') { value = SingleQuoted(); style = ScalarStyle.SingleQuoted; }
        else if (c == '"') { value = DoubleQuoted(); style = ScalarStyle.DoubleQuoted; }
        else
        {
            if (c is ',' or ']' or '}' or '[' or '{' or '#' or '@' or '`' or '|' or '>' or '%' or '!' or '&' or '*' || (c is '-' or '?' or ':' && IsBlankOrEnd(_p + 1, flow)) || _p >= _s.Length || c == '\n')
                throw Error(_p, c == '\n' || _p >= _s.Length
                    ? "a value is missing here"
                    : $"a value cannot start with '{c}'; put the value in quotes");
            value = Plain(parentIndent, flow);
            style = ScalarStyle.Plain;
        }
        return new YamlScalarNode(value) { Style = style, Start = At(startAt >= 0 && startAt < at ? startAt : at) };
    }

    private string Plain(int parentIndent, bool flow)
    {
        var sb = new StringBuilder();
        var minCol = parentIndent + 1;
        while (true)
        {
            // one line's worth
            var lineStart = _p;
            var end = _p;
            while (_p < _s.Length && Cur != '\n')
            {
                var ch = Cur;
                if (ch == ':' && IsBlankOrEnd(_p + 1, flow)) break;
                if (ch == '#' && _p > lineStart && _s[_p - 1] is ' ' or '\t') break;
                if (flow && ch is ',' or '[' or ']' or '{' or '}') break;
                _p++;
                if (ch is not ' ' and not '\t') end = _p;
            }
            sb.Append(_s, lineStart, end - lineStart);
            _p = end;
            // a continuation line: more indented than the parent (any indentation inside [ ] or { }), not a comment
            var q = end;
            while (q < _s.Length && _s[q] is ' ' or '\t') q++;
            if (q >= _s.Length || _s[q] != '\n') return sb.ToString();
            var breaks = 0;
            while (q < _s.Length && _s[q] == '\n')
            {
                breaks++;
                q++;
                var indentStart = q;
                while (q < _s.Length && _s[q] == ' ') q++;
                if (q < _s.Length && _s[q] == '\t' && !flow && q - indentStart < minCol) return sb.ToString();
                while (q < _s.Length && _s[q] is ' ' or '\t') q++;
            }
            if (q >= _s.Length || _s[q] == '#') return sb.ToString();
            var col = Col(q);
            if (!flow && col < minCol) return sb.ToString();
            if (col == 0 && (IsDocumentMarker(q, '-') || IsDocumentMarker(q, '.'))) return sb.ToString();
            if (_s[q] == ':' && IsBlankOrEnd(q + 1, flow)) return sb.ToString();
            if (flow && _s[q] is ',' or ']' or '}' or '[' or '{') return sb.ToString();
            if (breaks == 1) sb.Append(' ');
            else sb.Append('\n', breaks - 1);
            _p = q;
        }
    }

    private string SingleQuoted()
    {
        var open = _p;
        _p++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_p >= _s.Length) throw Unclosed(open, '\'');
            var ch = Cur;
            if (ch == '\'')
            {
                if (_p + 1 < _s.Length && _s[_p + 1] == '\'') { sb.Append('\''); _p += 2; continue; }
                _p++;
                return sb.ToString();
            }
            if (ch is ' ' or '\t' or '\n') { Fold(sb, open, '\''); continue; }
            sb.Append(ch);
            _p++;
        }
    }

    private string DoubleQuoted()
    {
        var open = _p;
        _p++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_p >= _s.Length) throw Unclosed(open, '"');
            var ch = Cur;
            if (ch == '"') { _p++; return sb.ToString(); }
            if (ch is ' ' or '\t' or '\n') { Fold(sb, open, '"'); continue; }
            if (ch != '\\') { sb.Append(ch); _p++; continue; }
            var escAt = _p;
            _p++;
            if (_p >= _s.Length) throw Unclosed(open, '"');
            var e = Cur;
            _p++;
            switch (e)
            {
                case '\n':
                    // an escaped line break joins the lines without a space
                    while (_p < _s.Length && Cur is ' ' or '\t') _p++;
                    continue;
                case '0': sb.Append('\0'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 't' or '\t': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case 'v': sb.Append('\v'); break;
                case 'f': sb.Append('\f'); break;
                case 'r': sb.Append('\r'); break;
                case 'e': sb.Append('\x1B'); break;
                case ' ': sb.Append(' '); break;
                case '"': sb.Append('"'); break;
                case '/': sb.Append('/'); break;
                case '\\': sb.Append('\\'); break;
                case 'N': sb.Append('\u0085'); break;
                case '_': sb.Append('\u00A0'); break;
                case 'L': sb.Append('\u2028'); break;
                case 'P': sb.Append('\u2029'); break;
                case 'x': sb.Append(Hex(escAt, 2)); break;
                case 'u': sb.Append(Hex(escAt, 4)); break;
                case 'U': sb.Append(Hex(escAt, 8)); break;
                default:
                    throw Error(escAt, $"unknown escape '\\{e}' in a double-quoted value; write '\\\\' for a backslash, or use single quotes");
            }
        }
    }

    private string Hex(int escAt, int digits)
    {
        if (_p + digits > _s.Length || !uint.TryParse(_s.AsSpan(_p, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || _s.AsSpan(_p, digits).ContainsAnyExcept("0123456789abcdefABCDEF"))
            throw Error(escAt, $"the escape at this position needs {digits} hexadecimal digits");
        _p += digits;
        if (code > 0x10FFFF || code is >= 0xD800 and <= 0xDFFF)
            throw Error(escAt, "the escape names no valid Unicode character");
        return char.ConvertFromUtf32((int)code);
    }

    /// <summary>White space inside quotes: kept within a line; a line break folds to a space, blank lines to line breaks.</summary>
    private void Fold(StringBuilder sb, int open, char quote)
    {
        var start = _p;
        while (_p < _s.Length && Cur is ' ' or '\t') _p++;
        if (_p >= _s.Length) throw Unclosed(open, quote);
        if (Cur != '\n')
        {
            sb.Append(_s, start, _p - start);
            return;
        }
        var breaks = 0;
        while (_p < _s.Length && Cur is ' ' or '\t' or '\n')
        {
            if (Cur == '\n')
            {
                breaks++;
                if (_p + 1 < _s.Length && Col(_p + 1) == 0 && (IsDocumentMarker(_p + 1, '-') || IsDocumentMarker(_p + 1, '.')))
                    throw Unclosed(open, quote);
            }
            _p++;
        }
        if (breaks == 1) sb.Append(' ');
        else sb.Append('\n', breaks - 1);
    }

    private YamlScalarNode BlockScalar(int parentIndent, int startAt)
    {
        var literal = Cur == '|';
        var at = _p;
        _p++;
        var chomp = 0;
        var increment = 0;
        for (var i = 0; i < 2; i++)
        {
            if (Cur is '+' or '-' && chomp == 0) { chomp = Cur == '+' ? 1 : -1; _p++; }
            else if (Cur is >= '1' and <= '9' && increment == 0) { increment = Cur - '0'; _p++; }
        }
        if (_p < _s.Length && Cur is not (' ' or '\t' or '\n'))
            throw Error(_p, $"after '{(literal ? '|' : '>')}' only '-', '+' or an indentation digit 1-9 may follow on its line; put the text on the next lines");
        EndOfLine();
        var indent = increment > 0 ? (parentIndent >= 0 ? parentIndent + increment : increment) : 0;
        var sb = new StringBuilder();
        var leadingBreak = "";
        var trailing = new StringBuilder();
        BlockBreaks(ref indent, trailing, parentIndent);
        var leadingBlank = false;
        while (_p < _s.Length && Col(_p) == indent && !(Col(_p) == 0 && (AtDocumentMarker('-') || AtDocumentMarker('.'))))
        {
            var trailingBlank = Cur is ' ' or '\t';
            if (!literal && leadingBreak.StartsWith('\n') && !leadingBlank && !trailingBlank)
            {
                if (trailing.Length == 0) sb.Append(' ');
                leadingBreak = "";
            }
            else
            {
                sb.Append(leadingBreak);
                leadingBreak = "";
            }
            sb.Append(trailing);
            trailing.Clear();
            leadingBlank = Cur is ' ' or '\t';
            var lineStart = _p;
            while (_p < _s.Length && Cur != '\n') _p++;
            sb.Append(_s, lineStart, _p - lineStart);
            if (_p >= _s.Length) break;
            _p++;
            leadingBreak = "\n";
            BlockBreaks(ref indent, trailing, parentIndent);
        }
        if (chomp != -1) sb.Append(leadingBreak);
        if (chomp == 1) sb.Append(trailing);
        SkipToContent(block: true);
        return new YamlScalarNode(sb.ToString()) { Style = literal ? ScalarStyle.Literal : ScalarStyle.Folded, Start = At(startAt >= 0 && startAt < at ? startAt : at) };
    }

    /// <summary>Blank lines of a block scalar (into <paramref name="breaks"/>); finds the indentation from the first text line when not given.</summary>
    private void BlockBreaks(ref int indent, StringBuilder breaks, int parentIndent)
    {
        var max = 0;
        while (true)
        {
            while ((indent == 0 || Col(_p) < indent) && _p < _s.Length && Cur == ' ') _p++;
            if (Col(_p) > max) max = Col(_p);
            if ((indent == 0 || Col(_p) < indent) && _p < _s.Length && Cur == '\t')
                throw Error(_p, "a tab is used for indentation inside a '|' or '>' text; indent with spaces");
            if (_p >= _s.Length || Cur != '\n') break;
            breaks.Append('\n');
            _p++;
        }
        if (indent == 0) indent = Math.Max(Math.Max(max, parentIndent + 1), 1);
    }

    // ---- flow collections -----------------------------------------------------------------------------------------

    private YamlNode Flow(int startAt, string? anchor, int depth)
    {
        var open = _p;
        var start = At(startAt >= 0 && startAt < open ? startAt : open);
        CheckDepth(depth, start);
        if (Cur == '[')
        {
            var seq = new YamlSequenceNode { Start = start };
            Register(anchor, seq);
            _p++;
            while (true)
            {
                FlowSpace(open);
                if (Cur == ']') { _p++; return seq; }
                var itemAt = _p;
                var item = FlowNode(depth, open);
                FlowSpace(open);
                if (Cur == ':' && (IsBlankOrEnd(_p + 1, flow: true) || item is not YamlScalarNode { Style: ScalarStyle.Plain }))
                    throw Error(itemAt, "a 'key: value' pair inside [ ] is not supported; write it as { key: value }");
                seq.Children.Add(item);
                if (Cur == ',') { _p++; continue; }
                if (Cur == ']') { _p++; return seq; }
                throw Error(_p, $"expected ',' or ']' in the list opened at {At(open)}");
            }
        }
        var map = new YamlMappingNode { Start = start };
        Register(anchor, map);
        _p++;
        while (true)
        {
            FlowSpace(open);
            if (Cur == '}') { _p++; return map; }
            if (Cur == '?' && IsBlankOrEnd(_p + 1, flow: true)) throw Error(_p, "complex keys ('? ') are not supported; write 'key: value'");
            var keyAt = _p;
            if (Cur is '[' or '{' or '*') throw Error(_p, "a list, mapping or alias cannot be a key; write 'key: value' with a plain or quoted key");
            if (FlowNode(depth, open) is not YamlScalarNode key)
                throw Error(keyAt, "a list or mapping cannot be a key; write 'key: value' with a plain or quoted key");
            FlowSpace(open);
            YamlNode value;
            if (Cur == ':' && (IsBlankOrEnd(_p + 1, flow: true) || key.Style != ScalarStyle.Plain))
            {
                _p++;
                FlowSpace(open);
                value = Cur is ',' or '}' ? Empty(_p) : FlowNode(depth, open);
                FlowSpace(open);
            }
            else value = Empty(_p);
            if (!map.Children.TryAdd(key, value))
                throw new YamlException(At(keyAt), $"duplicate key '{key.Value}'; keep one of them");
            if (Cur == ',') { _p++; continue; }
            if (Cur == '}') { _p++; return map; }
            throw Error(_p, $"expected ',' or '}}' in the mapping opened at {At(open)}");
        }
    }

    private YamlNode FlowNode(int depth, int open)
    {
        if (_p >= _s.Length) throw UnclosedFlow(open);
        string? anchor = null;
        var at = _p;
        if (Cur == '&')
        {
            anchor = AnchorName();
            FlowSpace(open);
        }
        CheckProperties();
        if (Cur is '[' or '{') return Flow(at, anchor, depth + 1);
        if (Cur == '*')
        {
            if (anchor is not null) throw Error(at, "an alias ('*name') cannot have an anchor");
            return Alias();
        }
        if (Cur is '|' or '>') throw Error(_p, "'|' and '>' texts cannot be inside [ ] or { }; quote the value");
        if (Cur is ',' or ']' or '}') throw Error(_p, $"a value is missing before '{Cur}'; remove the extra comma or write the value");
        return Register(anchor, Scalar(-1, flow: true, at));
    }

    private void FlowSpace(int open)
    {
        var newLine = false;
        while (_p < _s.Length)
        {
            if (Cur is ' ' or '\t' or '\n')
            {
                newLine |= Cur == '\n';
                _p++;
            }
            else if (Cur == '#' && _s[_p - 1] is ' ' or '\t' or '\n') SkipComment();
            else
            {
                if (newLine && Col(_p) < _flowMinCol && Cur is not (']' or '}'))
                    throw Error(_p, $"this line continues the {(_s[open] == '[' ? "list" : "mapping")} opened at {At(open)}, so it must be indented more than the key or '- ' that holds it");
                return;
            }
        }
        throw UnclosedFlow(open);
    }

    // ---- anchors and aliases --------------------------------------------------------------------------------------

    private string AnchorName()
    {
        var at = _p;
        _p++;
        var start = _p;
        while (_p < _s.Length && Cur is not (' ' or '\t' or '\n' or ',' or '[' or ']' or '{' or '}')) _p++;
        if (_p == start) throw Error(at, "'&' must be followed by an anchor name, e.g. '&defaults'");
        return _s[start.._p];
    }

    private YamlNode Alias()
    {
        var at = _p;
        var name = AnchorName();
        if (!_anchors.TryGetValue(name, out var node))
            throw Error(at, $"the alias '*{name}' names no anchor written before it; add '&{name}' to the value it should repeat, above this line");
        return node;
    }

    private T Register<T>(string? anchor, T node) where T : YamlNode
    {
        if (anchor is not null) _anchors[anchor] = node;
        return node;
    }

    private void CheckProperties()
    {
        if (Cur == '!') throw Error(_p, "tags ('!name', '!!str') are not supported; remove the tag (quote the value if it must stay text)");
        if (Cur == '&') throw Error(_p, "a value can have only one anchor ('&name')");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private char Cur => _p < _s.Length ? _s[_p] : '\0';

    private YamlScalarNode Empty(int at) => new("") { Style = ScalarStyle.Plain, Start = At(at) };

    private void CheckDepth(int depth, Mark at)
    {
        if (depth > _maxDepth) throw new YamlTooDeepException(at, _maxDepth);
    }

    private bool AtEntry() => Cur == '-' && IsBlankOrEnd(_p + 1);

    private bool IsBlankOrEnd(int i, bool flow = false) =>
        i >= _s.Length || _s[i] is ' ' or '\t' or '\n' || (flow && _s[i] is ',' or '[' or ']' or '{' or '}');

    private bool AtDocumentMarker(char c) => IsDocumentMarker(_p, c);

    private bool IsDocumentMarker(int i, char c) =>
        IsLineStart(i) && i + 3 <= _s.Length && _s[i] == c && _s[i + 1] == c && _s[i + 2] == c && IsBlankOrEnd(i + 3);

    private bool AtLineEnd()
    {
        var q = _p;
        while (q < _s.Length && _s[q] is ' ' or '\t') q++;
        return q >= _s.Length || _s[q] == '\n' || (_s[q] == '#' && (q == 0 || _s[q - 1] is ' ' or '\t' or '\n'));
    }

    private bool AtLineContentStart()
    {
        for (var i = _p - 1; i >= 0 && _s[i] != '\n'; i--)
            if (_s[i] is not (' ' or '\t')) return false;
        return true;
    }

    private void SkipBlanks()
    {
        while (_p < _s.Length && Cur is ' ' or '\t') _p++;
    }

    private void SkipComment()
    {
        while (_p < _s.Length && Cur != '\n') _p++;
    }

    private string RestOfLine()
    {
        var end = _s.IndexOf('\n', _p);
        return _s[_p..(end < 0 ? _s.Length : end)].TrimEnd();
    }

    private static string Shorten(string? s) => s is null ? "" : s.Length <= 40 ? s : s[..40] + "…";

    private int LineOf(int i)
    {
        var line = _lineStarts.BinarySearch(i);
        return line >= 0 ? line : ~line - 1;
    }

    private int Col(int i) => i - _lineStarts[LineOf(i)];

    private Mark At(int i)
    {
        var line = LineOf(i);
        return new Mark(line + 1, i - _lineStarts[line] + 1);
    }

    private YamlException Error(int at, string message) => new(At(at), message);

    private YamlException Unclosed(int open, char quote) =>
        Error(open, quote == '\''
            ? "the value opened with ' has no closing '; add it (a ' inside the value is written '')"
            : "the value opened with \" has no closing \"; add it (a \" inside the value is written \\\")");

    private YamlException UnclosedFlow(int open) =>
        Error(open, $"the {(_s[open] == '[' ? "list" : "mapping")} opened with '{_s[open]}' at {At(open)} is not closed; add the closing '{(_s[open] == '[' ? ']' : '}')}'");
}
