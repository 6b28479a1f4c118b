namespace Gateway.Configuration;

/// <summary>
/// What an apply did: the top-level sections applied live (e.g. "devices", "mqtt", "policy"), and those that changed
/// but take effect only after a restart, each with a sentence saying why (e.g. "web.listen: the dashboard keeps
/// listening on the old address until the gateway restarts").
/// </summary>
public sealed record ConfigApplyResult(IReadOnlyList<string> Applied, IReadOnlyList<string> NeedsRestart)
{
    public bool RestartNeeded => NeedsRestart.Count > 0;
}
