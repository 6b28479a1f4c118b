using Gateway.Hosting;

namespace Gateway.NutServer;

/// <summary>The "nut_server" entry of /api/health: listening (with client count), disabled or failed.</summary>
public sealed class NutServerHealth(NutServerStatus status) : IHealthContributor
{
    public string Name => "nut_server";

    public ComponentHealth Check() => status.State == "listening"
        ? new ComponentHealth("listening", true, $"{status.Clients} client{(status.Clients == 1 ? "" : "s")} on {status.Detail}")
        : new ComponentHealth(status.State, status.Healthy, status.Detail);
}
