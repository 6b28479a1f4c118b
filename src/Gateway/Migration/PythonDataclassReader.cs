using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Migration;

/// <summary>
/// Reads the fields of a Python class such as UPS Monitor 3.0's <c>@dataclass class Config</c> without running any
/// Python: each <c>NAME: type = default</c> (or <c>NAME = default</c>) line of the class body, defaults that span lines
/// included. Literals are evaluated (strings, numbers, <c>True</c>/<c>False</c>/<c>None</c>, lists and tuples,
/// <c>15 * 60</c>, <c>field(default_factory=lambda: […])</c>, <c>Path("…")</c>); anything else is kept as text and
/// marked <see cref="PythonValueKind.Unparsed"/>, never guessed.
/// </summary>
public static partial class PythonDataclassReader
{
    public static IReadOnlyList<PythonField>? ReadClass(string source, string className, out string? problem)
    {
        problem = null;
        var lines = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var start = -1;
        var classIndent = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            if (ClassHeaderIndent(lines[i], className) is not { } indent) continue;
            start = i;
            classIndent = IndentOf(indent);
            break;
        }
        if (start < 0)
        {
            problem = $"no 'class {className}' found: this does not look like the script whose settings are in a '{className}' dataclass";
            return null;
        }

        var fields = new List<PythonField>();
        int? bodyIndent = null;
        var skipDeeperThan = int.MaxValue;
        foreach (var (text, line, indent) in LogicalLines(lines, start + 1))
        {
            if (indent <= classIndent) break;
            bodyIndent ??= indent;
            if (indent > skipDeeperThan) continue;
            skipDeeperThan = int.MaxValue;
            if (indent != bodyIndent) continue;
            if (text.StartsWith("def ", StringComparison.Ordinal) || text.StartsWith("async def ", StringComparison.Ordinal)
                || text.StartsWith("class ", StringComparison.Ordinal))
            {
                skipDeeperThan = indent;
                continue;
            }
            var m = FieldLine().Match(text);
            if (!m.Success || (!m.Groups["type"].Success && !m.Groups["value"].Success)) continue;
            var type = m.Groups["type"].Success ? m.Groups["type"].Value.Trim() : null;
            var value = m.Groups["value"].Success ? Evaluate(m.Groups["value"].Value) : PythonValue.Unparsed("");
            fields.Add(new PythonField(m.Groups["name"].Value, type, value, line));
        }
        return fields;
    }

    /// <summary>Evaluates one default expression; what it cannot read is <see cref="PythonValueKind.Unparsed"/>.</summary>
    public static PythonValue Evaluate(string expression)
    {
        var parser = new ExpressionParser(expression.Trim());
        try
        {
            var v = parser.Expression();
            parser.SkipSpace();
            return parser.AtEnd ? v : PythonValue.Unparsed(expression);
        }
        catch (FormatException)
        {
            return PythonValue.Unparsed(expression);
        }
    }

    /// <summary>
    /// The leading whitespace of a <c>class NAME…:</c> line (<c>class Config:</c>, <c>class Config(Base):</c>), or null.
    /// Plain string code rather than a regex built at run time: a run-time <see cref="Regex"/> would pull the regex
    /// interpreter into the binary (bench/results.md, binary size).
    /// </summary>
    private static string? ClassHeaderIndent(string line, string className)
    {
        var rest = line.AsSpan().TrimStart(" \t");
        var indent = line[..(line.Length - rest.Length)];
        if (!rest.StartsWith("class", StringComparison.Ordinal)) return null;
        rest = rest["class".Length..];
        var afterKeyword = rest.TrimStart(" \t");
        if (afterKeyword.Length == rest.Length || !afterKeyword.StartsWith(className, StringComparison.Ordinal)) return null;
        rest = afterKeyword[className.Length..];
        // \b after the name: Config must not match ConfigBase
        if (rest.Length > 0 && (char.IsLetterOrDigit(rest[0]) || rest[0] == '_')) return null;
        return rest.Contains(':') ? indent : null;
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::(?<type>[^=]+?))?[ \t]*(?:=(?!=)[ \t]*(?<value>.+))?$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex FieldLine();

    private static int IndentOf(string whitespace) => whitespace.Sum(c => c == '\t' ? 8 : 1);

    /// <summary>Physical lines joined into logical ones (open brackets, open triple-quoted strings, trailing backslash), comments removed.</summary>
    private static IEnumerable<(string Text, int Line, int Indent)> LogicalLines(string[] lines, int from)
    {
        var buffer = new StringBuilder();
        var depth = 0;
        char? quote = null;
        var triple = false;
        var startLine = 0;
        var indent = 0;
        for (var i = from; i < lines.Length; i++)
        {
            var line = lines[i];
            if (buffer.Length == 0 && quote is null)
            {
                var trimmed = line.TrimStart(' ', '\t');
                if (trimmed.Length == 0 || trimmed[0] == '#') continue;
                startLine = i + 1;
                indent = IndentOf(line[..(line.Length - trimmed.Length)]);
                line = trimmed;
            }
            var continued = false;
            for (var j = 0; j < line.Length; j++)
            {
                var c = line[j];
                if (quote is { } q)
                {
                    buffer.Append(c);
                    if (c == '\\' && j + 1 < line.Length) { buffer.Append(line[++j]); continue; }
                    if (c != q) continue;
                    if (!triple) quote = null;
                    else if (j + 2 < line.Length && line[j + 1] == q && line[j + 2] == q) { buffer.Append(q).Append(q); j += 2; quote = null; }
                    continue;
                }
                if (c == '#') break;
                if (c is '"' or '\'')
                {
                    quote = c;
                    triple = j + 2 < line.Length && line[j + 1] == c && line[j + 2] == c;
                    buffer.Append(c);
                    if (triple) { buffer.Append(c).Append(c); j += 2; }
                    continue;
                }
                if (c is '(' or '[' or '{') depth++;
                else if (c is ')' or ']' or '}') depth = Math.Max(0, depth - 1);
                if (c == '\\' && j == line.Length - 1) { continued = true; break; }
                buffer.Append(c);
            }
            if (quote is not null && !triple) quote = null; // an unterminated one-line string: give up on it at the line end
            if (depth > 0 || quote is not null || continued)
            {
                buffer.Append(quote is not null ? '\n' : ' ');
                continue;
            }
            var text = buffer.ToString().Trim();
            buffer.Clear();
            if (text.Length > 0) yield return (text, startLine, indent);
        }
        if (buffer.Length > 0) yield return (buffer.ToString().Trim(), startLine, indent);
    }

    /// <summary>A small recursive-descent reader of Python literals; throws <see cref="FormatException"/> where it stops understanding.</summary>
    private sealed class ExpressionParser(string text)
    {
        private int _pos;

        public bool AtEnd => _pos >= text.Length;

        public void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private bool Take(string token)
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _pos, token, 0, token.Length) != 0) return false;
            _pos += token.Length;
            return true;
        }

        private void Expect(string token)
        {
            if (!Take(token)) throw new FormatException($"expected '{token}'");
        }

        public PythonValue Expression()
        {
            var start = _pos;
            var left = Term();
            while (true)
            {
                SkipSpace();
                if (AtEnd || (text[_pos] != '+' && text[_pos] != '-')) return left;
                var op = text[_pos++];
                var right = Term();
                left = Combine(left, op.ToString(), right, start);
            }
        }

        private PythonValue Term()
        {
            var start = _pos;
            var left = Unary();
            while (true)
            {
                SkipSpace();
                string? op = Take("//") ? "//" : Take("*") ? "*" : Take("/") ? "/" : null;
                if (op is null) return left;
                var right = Unary();
                left = Combine(left, op, right, start);
            }
        }

        private PythonValue Combine(PythonValue left, string op, PythonValue right, int start)
        {
            var raw = text[start.._pos].Trim();
            if (left.Kind == PythonValueKind.Number && right.Kind == PythonValueKind.Number)
            {
                double? v = op switch
                {
                    "+" => left.Number + right.Number,
                    "-" => left.Number - right.Number,
                    "*" => left.Number * right.Number,
                    "/" when right.Number != 0 => left.Number / right.Number,
                    "//" when right.Number != 0 => Math.Floor(left.Number / right.Number),
                    _ => null,
                };
                return v is { } n ? PythonValue.OfNumber(n, raw) : PythonValue.Unparsed(raw);
            }
            if (op == "+" && left.Kind == PythonValueKind.String && right.Kind == PythonValueKind.String)
                return PythonValue.OfString(left.Text + right.Text, raw);
            return PythonValue.Unparsed(raw);
        }

        private PythonValue Unary()
        {
            SkipSpace();
            var start = _pos;
            if (Take("-"))
            {
                var v = Unary();
                return v.Kind == PythonValueKind.Number ? PythonValue.OfNumber(-v.Number, text[start.._pos].Trim()) : PythonValue.Unparsed(text[start.._pos]);
            }
            if (Take("+")) return Unary();
            return Primary();
        }

        private PythonValue Primary()
        {
            SkipSpace();
            if (AtEnd) throw new FormatException("expected a value");
            var start = _pos;
            var c = text[_pos];
            if (char.IsAsciiDigit(c) || (c == '.' && _pos + 1 < text.Length && char.IsAsciiDigit(text[_pos + 1]))) return Number();
            if (c is '"' or '\'' || (IsStringPrefix() is { } prefixLength && _pos + prefixLength < text.Length && text[_pos + prefixLength] is '"' or '\''))
                return Strings();
            if (c == '[') return Sequence('[', ']', start);
            if (c == '(') return Parenthesised(start);
            if (c == '{') { SkipBalanced(); return PythonValue.Unparsed(text[start.._pos]); }
            if (char.IsAsciiLetter(c) || c == '_') return NameOrCall(start);
            throw new FormatException($"unexpected '{c}'");
        }

        private int? IsStringPrefix()
        {
            var i = _pos;
            while (i < text.Length && i - _pos < 2 && "rRbBuUfF".Contains(text[i], StringComparison.Ordinal)) i++;
            return i > _pos ? i - _pos : null;
        }

        private PythonValue Number()
        {
            var start = _pos;
            if (text[_pos] == '0' && _pos + 1 < text.Length && text[_pos + 1] is 'x' or 'X')
            {
                _pos += 2;
                while (_pos < text.Length && (char.IsAsciiHexDigit(text[_pos]) || text[_pos] == '_')) _pos++;
                var hex = text[(start + 2).._pos].Replace("_", "", StringComparison.Ordinal);
                return long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h)
                    ? PythonValue.OfNumber(h, text[start.._pos]) : throw new FormatException("bad hex number");
            }
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] is '.' or '_' or 'e' or 'E'
                   || (text[_pos] is '+' or '-' && text[_pos - 1] is 'e' or 'E'))) _pos++;
            var raw = text[start.._pos];
            return double.TryParse(raw.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? PythonValue.OfNumber(v, raw) : throw new FormatException($"bad number '{raw}'");
        }

        /// <summary>One string literal or several adjacent ones ("a" "b" is "ab").</summary>
        private PythonValue Strings()
        {
            var start = _pos;
            var sb = new StringBuilder();
            var formatted = false;
            while (true)
            {
                SkipSpace();
                if (AtEnd) break;
                var prefixLength = IsStringPrefix() ?? 0;
                if (_pos + prefixLength >= text.Length || text[_pos + prefixLength] is not ('"' or '\'')) break;
                var prefix = text.Substring(_pos, prefixLength);
                formatted |= prefix.Contains('f', StringComparison.OrdinalIgnoreCase);
                var rawString = prefix.Contains('r', StringComparison.OrdinalIgnoreCase);
                _pos += prefixLength;
                sb.Append(OneString(rawString));
            }
            var raw = text[start.._pos].Trim();
            // An f-string's {placeholders} need the running program; keep it as text.
            return formatted ? PythonValue.Unparsed(raw) : PythonValue.OfString(sb.ToString(), raw);
        }

        private string OneString(bool raw)
        {
            var q = text[_pos];
            var triple = _pos + 2 < text.Length && text[_pos + 1] == q && text[_pos + 2] == q;
            _pos += triple ? 3 : 1;
            var sb = new StringBuilder();
            while (true)
            {
                if (AtEnd) throw new FormatException("unterminated string");
                var c = text[_pos];
                if (c == '\\' && _pos + 1 < text.Length)
                {
                    var n = text[_pos + 1];
                    _pos += 2;
                    if (raw) { sb.Append('\\').Append(n); continue; }
                    sb.Append(n switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => n });
                    if (n is not ('n' or 't' or 'r' or '0' or '\\' or '\'' or '"')) sb.Insert(sb.Length - 1, '\\');
                    continue;
                }
                if (c == q && (!triple || (_pos + 2 < text.Length && text[_pos + 1] == q && text[_pos + 2] == q)))
                {
                    _pos += triple ? 3 : 1;
                    return sb.ToString();
                }
                sb.Append(c);
                _pos++;
            }
        }

        private PythonValue Sequence(char open, char close, int start)
        {
            Expect(open.ToString());
            var items = new List<PythonValue>();
            while (true)
            {
                SkipSpace();
                if (Take(close.ToString())) break;
                items.Add(Expression());
                SkipSpace();
                if (Take(",")) continue;
                Expect(close.ToString());
                break;
            }
            return PythonValue.OfList(items, text[start.._pos]);
        }

        /// <summary>(x) is x; (x,) and (x, y) are tuples, read like lists.</summary>
        private PythonValue Parenthesised(int start)
        {
            Expect("(");
            SkipSpace();
            if (Take(")")) return PythonValue.OfList([], text[start.._pos]);
            var first = Expression();
            SkipSpace();
            if (Take(")")) return first;
            var items = new List<PythonValue> { first };
            while (Take(","))
            {
                SkipSpace();
                if (!AtEnd && text[_pos] == ')') break;
                items.Add(Expression());
            }
            Expect(")");
            return PythonValue.OfList(items, text[start.._pos]);
        }

        private PythonValue NameOrCall(int start)
        {
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] is '_' or '.')) _pos++;
            var name = text[start.._pos];
            SkipSpace();
            if (AtEnd || text[_pos] != '(')
            {
                return name switch
                {
                    "True" => PythonValue.OfBool(true, name),
                    "False" => PythonValue.OfBool(false, name),
                    "None" => PythonValue.OfNone(name),
                    _ => PythonValue.Unparsed(name),
                };
            }
            var argsStart = _pos;
            SkipBalanced();
            var args = text[(argsStart + 1)..(_pos - 1)];
            var raw = text[start.._pos];
            switch (name)
            {
                case "field" or "dataclasses.field":
                    return FieldDefault(args, raw);
                case "Path" or "pathlib.Path" or "str" or "PosixPath":
                    var inner = Evaluate(args);
                    return inner.Kind == PythonValueKind.String ? inner with { Raw = raw } : PythonValue.Unparsed(raw);
                case "int" or "float":
                    var number = Evaluate(args);
                    if (number.Kind == PythonValueKind.Number) return PythonValue.OfNumber(name == "int" ? Math.Truncate(number.Number) : number.Number, raw);
                    if (number.Kind == PythonValueKind.String && double.TryParse(number.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                        return PythonValue.OfNumber(parsed, raw);
                    return PythonValue.Unparsed(raw);
                case "list" or "tuple":
                    var seq = args.Trim().Length == 0 ? PythonValue.OfList([], raw) : Evaluate(args);
                    return seq.Kind == PythonValueKind.List ? seq with { Raw = raw } : PythonValue.Unparsed(raw);
                default:
                    return PythonValue.Unparsed(raw);
            }
        }

        /// <summary><c>field(default=X)</c>, <c>field(default_factory=lambda: X)</c>, <c>field(default_factory=list)</c>.</summary>
        private static PythonValue FieldDefault(string args, string raw)
        {
            foreach (var arg in SplitTopLevel(args))
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0) continue;
                var key = arg[..eq].Trim();
                var value = arg[(eq + 1)..].Trim();
                if (key == "default") return Evaluate(value) with { Raw = raw };
                if (key != "default_factory") continue;
                if (value.StartsWith("lambda", StringComparison.Ordinal) && value.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
                    return Evaluate(value[(colon + 1)..]) with { Raw = raw };
                if (value is "list" or "tuple") return PythonValue.OfList([], raw);
            }
            return PythonValue.Unparsed(raw);
        }

        private void SkipBalanced()
        {
            var depth = 0;
            char? quote = null;
            while (_pos < text.Length)
            {
                var c = text[_pos++];
                if (quote is { } q)
                {
                    if (c == '\\') _pos++;
                    else if (c == q) quote = null;
                    continue;
                }
                if (c is '"' or '\'') quote = c;
                else if (c is '(' or '[' or '{') depth++;
                else if (c is ')' or ']' or '}' && --depth == 0) return;
            }
            throw new FormatException("unbalanced brackets");
        }

        private static List<string> SplitTopLevel(string args)
        {
            var parts = new List<string>();
            var depth = 0;
            char? quote = null;
            var start = 0;
            for (var i = 0; i < args.Length; i++)
            {
                var c = args[i];
                if (quote is { } q)
                {
                    if (c == '\\') i++;
                    else if (c == q) quote = null;
                    continue;
                }
                if (c is '"' or '\'') quote = c;
                else if (c is '(' or '[' or '{') depth++;
                else if (c is ')' or ']' or '}') depth--;
                else if (c == ',' && depth == 0)
                {
                    parts.Add(args[start..i]);
                    start = i + 1;
                }
            }
            parts.Add(args[start..]);
            return parts;
        }
    }
}
