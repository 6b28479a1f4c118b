namespace Gateway.Migration;

/// <summary>What a default value in a Python dataclass turned out to be.</summary>
public enum PythonValueKind
{
    /// <summary>An expression the tolerant reader does not evaluate (a call, a name, arithmetic on names…): kept as text.</summary>
    Unparsed,
    None,
    Bool,
    Number,
    String,
    List,
}
