namespace Gateway.Migration;

/// <summary>One <c>NAME: type = default</c> line of a dataclass, with the line it starts on (1-based).</summary>
public sealed record PythonField(string Name, string? Type, PythonValue Value, int Line);
