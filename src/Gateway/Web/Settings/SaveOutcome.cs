using Gateway.Configuration;

namespace Gateway.Web.Settings;

/// <summary>What a save did: refused (with every problem), or written (the new configuration and the sections that changed).</summary>
public sealed record SaveOutcome(IReadOnlyList<ConfigFieldError> Errors, GatewayConfig? Config, IReadOnlyList<string> ChangedSections, IReadOnlyList<string> Warnings)
{
    public bool Saved => Config is not null;
}
