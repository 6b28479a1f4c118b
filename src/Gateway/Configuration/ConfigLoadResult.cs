using System.Text.Json.Nodes;

namespace Gateway.Configuration;

/// <summary>What loading produced: the config (null when there are errors), every problem, and where it looked.</summary>
public sealed record ConfigLoadResult(GatewayConfig? Config, IReadOnlyList<ConfigError> Problems, string? SourcePath, IReadOnlyList<string> Searched)
{
    public bool Ok => Config is not null;
    /// <summary>Every value the binders read, defaults included, under its YAML name (null when the YAML did not parse).</summary>
    public JsonObject? Effective { get; init; }
    public IEnumerable<ConfigError> Errors => Problems.Where(p => !p.IsWarning);
    public IEnumerable<ConfigError> Warnings => Problems.Where(p => p.IsWarning);
}
