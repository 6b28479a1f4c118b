using Gateway.Configuration;
using Gateway.NutServer;

namespace Gateway.LiveApply;

/// <summary>Applies <c>nut_server.users</c> without closing a connection (see <see cref="NutUserDirectory.Reconfigure"/>).</summary>
public sealed class NutUsersTarget(NutUserDirectory users) : ILiveConfigTarget
{
    public string Section => "nut_server";

    public Task ApplyAsync(ConfigChange change, GatewayConfig next, CancellationToken ct)
    {
        if (change.NutUsersChanged) users.Reconfigure(next.NutServer.Users);
        return Task.CompletedTask;
    }
}
