using System.Globalization;

namespace Gateway.Migration;

/// <summary>
/// A literal read from Python source without running it: <c>None</c>, a bool, a number, a string, or a list/tuple of
/// those. Anything else is <see cref="PythonValueKind.Unparsed"/> with its source text, so the importer can name it.
/// </summary>
public sealed record PythonValue(PythonValueKind Kind, string Raw)
{
    public bool Bool { get; init; }
    public double Number { get; init; }
    public string Text { get; init; } = "";
    public IReadOnlyList<PythonValue> Items { get; init; } = [];

    public static PythonValue Unparsed(string raw) => new(PythonValueKind.Unparsed, raw.Trim());
    public static PythonValue OfNone(string raw) => new(PythonValueKind.None, raw);
    public static PythonValue OfBool(bool value, string raw) => new(PythonValueKind.Bool, raw) { Bool = value };
    public static PythonValue OfNumber(double value, string raw) => new(PythonValueKind.Number, raw) { Number = value };
    public static PythonValue OfString(string value, string raw) => new(PythonValueKind.String, raw) { Text = value };
    public static PythonValue OfList(IReadOnlyList<PythonValue> items, string raw) => new(PythonValueKind.List, raw) { Items = items };

    public bool IsWholeNumber => Kind == PythonValueKind.Number && Number == Math.Floor(Number) && Math.Abs(Number) < 1e15;

    /// <summary>How the value reads in a report: the literal as the user wrote it, shortened.</summary>
    public string Shown => Raw.Length <= 60 ? Raw : Raw[..57] + "...";

    public override string ToString() => Kind switch
    {
        PythonValueKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        PythonValueKind.String => Text,
        PythonValueKind.Bool => Bool ? "True" : "False",
        _ => Raw,
    };
}
