using Gateway.Hosting;

namespace Gateway.NutServer;

/// <summary>The "nut_server" entry of /api/health: listening (with client count), disabled or failed.</summary>
public sealed class NutServerHealth(NutServerStatus status, NutRequestHandler handler) : IHealthContributor
{
    public string Name => "nut_server";

    public ComponentHealth Check() => status.State == "listening"
        ? new ComponentHealth("listening", true, $"{status.Clients} client{(status.Clients == 1 ? "" : "s")} on {status.Detail}; "
            + $"{status.Refused} connections refused, {handler.Throttle.TotalFailures} wrong passwords, {handler.Throttle.TotalLockedOut} logins refused during lockouts")
        : new ComponentHealth(status.State, status.Healthy, status.Detail);
}
