namespace Gateway.Migration;

/// <summary>The configuration an import produced (YAML text, null when the input could not be read at all) and its report.</summary>
public sealed record ImportResult(string? Yaml, ImportReport Report, string? Problem = null)
{
    public bool Succeeded => Yaml is not null;
}
