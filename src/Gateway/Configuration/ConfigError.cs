namespace Gateway.Configuration;

/// <summary>One problem found in the configuration: where (file:line:column or the environment variable / option) and why.</summary>
public sealed record ConfigError(string Source, int Line, int Column, string Key, string Message, bool IsWarning = false)
{
    public override string ToString()
    {
        var where = Line > 0 ? $"{Source}:{Line}:{Column}" : Source;
        var kind = IsWarning ? "warning" : "error";
        return string.IsNullOrEmpty(Key) ? $"{where}: {kind}: {Message}" : $"{where}: {kind}: {Key}: {Message}";
    }
}
