namespace Gateway.Commands;

/// <summary>One finding of <c>gateway nut check</c>: where (file and line; 0 = the whole file) and what is wrong.</summary>
public sealed record NutLintProblem(string File, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}
