namespace Gateway.Shutdown;

/// <summary>How a command ended: an exit code, a timeout (the process was killed), or a failure to start it.</summary>
public sealed record CommandResult(int? ExitCode, string Output, bool TimedOut = false, string? StartError = null)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut && StartError is null;

    /// <summary>A one-line description for logs and step results.</summary>
    public string Describe()
    {
        if (StartError is not null) return $"could not start: {StartError}";
        if (TimedOut) return "timed out and was killed";
        var output = Output.Trim();
        if (output.Length > 300) output = output[..300] + "…";
        return output.Length == 0 ? $"exit code {ExitCode}" : $"exit code {ExitCode}: {output.ReplaceLineEndings(" | ")}";
    }
}
