using Gateway.Hosting;
using Gateway.LiveApply;

namespace Gateway.HomeAssistant;

/// <summary>The "mqtt" entry of /api/health: the session of the bridge running now, or "disabled".</summary>
public sealed class LiveMqttHealth(RebuiltService bridge) : IHealthContributor
{
    private static readonly DisabledMqttHealth Disabled = new();

    public string Name => "mqtt";

    public ComponentHealth Check() => Bridge?.Session.Check() ?? Disabled.Check();

    private HomeAssistantBridge? Bridge => bridge.Current switch
    {
        HomeAssistantBridge b => b,
        HostedGroup g => g.Parts.OfType<HomeAssistantBridge>().FirstOrDefault(),
        _ => null,
    };
}
