namespace Gateway.Yaml;

/// <summary>How a scalar was written: quoted text is never a number, boolean or null.</summary>
public enum ScalarStyle
{
    /// <summary>Not read from text; the writer chooses.</summary>
    Any,
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}
