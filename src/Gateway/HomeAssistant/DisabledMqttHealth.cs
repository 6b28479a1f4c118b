using Gateway.Hosting;

namespace Gateway.HomeAssistant;

/// <summary>What /api/health says about MQTT when it is not configured.</summary>
public sealed class DisabledMqttHealth : IHealthContributor
{
    public string Name => "mqtt";
    public ComponentHealth Check() => new("disabled", true, "no mqtt.host and no built-in broker");
}
