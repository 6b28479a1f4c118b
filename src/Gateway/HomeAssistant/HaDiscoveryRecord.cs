namespace Gateway.HomeAssistant;

/// <summary>
/// What the gateway announced to Home Assistant, kept in data_dir so that entities whose device left the config
/// can be removed (empty retained config) after a restart, and so a known device's entities are announced
/// again before its first reading.
/// </summary>
public sealed class HaDiscoveryRecord
{
    /// <summary>Config topic → owner: a device id, or <see cref="GatewayOwner"/> for the gateway's own entities.</summary>
    public Dictionary<string, string> Topics { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Device id → the value keys it has reported.</summary>
    public Dictionary<string, List<string>> DeviceKeys { get; set; } = new(StringComparer.Ordinal);

    public const string GatewayOwner = "@gateway";
    public const string FileName = "home-assistant-discovery.json";
}
