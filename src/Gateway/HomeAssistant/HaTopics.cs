using System.Text;

namespace Gateway.HomeAssistant;

/// <summary>Every topic the Home Assistant bridge uses, derived from <c>base_topic</c> and <c>discovery_prefix</c>.</summary>
public sealed class HaTopics
{
    public HaTopics(string baseTopic, string discoveryPrefix, string gatewayName)
    {
        Base = baseTopic;
        DiscoveryPrefix = discoveryPrefix;
        GatewayName = gatewayName;
    }

    public string Base { get; }
    public string DiscoveryPrefix { get; }
    public string GatewayName { get; }

    /// <summary>The gateway's birth / last will topic.</summary>
    public string Status => Base + "/status";
    public string Events => Base + "/events";
    /// <summary>Home Assistant's own birth topic.</summary>
    public string HomeAssistantStatus => DiscoveryPrefix + "/status";
    public string CommandFilter => Base + "/+/command/+";

    /// <summary>The state document of a device; the gateway's own document is <c>&lt;base&gt;/gateway/state</c>.</summary>
    public string State(string? deviceId) => $"{Base}/{deviceId ?? "gateway"}/state";
    public string Availability(string deviceId) => $"{Base}/{deviceId}/availability";
    public string Command(string deviceId, string key) => $"{Base}/{deviceId}/command/{key}";

    /// <summary>The node id of a device in discovery topics: the gateway name, plus the device id for UPSes and meters.</summary>
    public string NodeId(string? deviceId) => Sanitize(deviceId is null ? GatewayName : GatewayName + "_" + deviceId);

    public string Config(string component, string? deviceId, string key) => $"{DiscoveryPrefix}/{component}/{NodeId(deviceId)}/{Sanitize(key)}/config";

    /// <summary>Stable forever: gateway name, device id (from the config) and entity key; never a display name.</summary>
    public string UniqueId(string? deviceId, HaEntity e) => NodeId(deviceId) + "_" + Sanitize(e.Key);

    public string DefaultEntityId(string? deviceId, HaEntity e) => e.Component + "." + (NodeId(deviceId) + "_" + Sanitize(e.Key)).Replace('-', '_').ToLowerInvariant();

    /// <summary>Keeps only [a-zA-Z0-9_-] (Home Assistant drops discovery topics with other characters).</summary>
    public static string Sanitize(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        return sb.ToString();
    }

    /// <summary>Parses <c>&lt;base&gt;/&lt;device&gt;/command/&lt;key&gt;</c>.</summary>
    public bool TryParseCommand(string topic, out string deviceId, out string key)
    {
        deviceId = key = "";
        if (!topic.StartsWith(Base + "/", StringComparison.Ordinal)) return false;
        var parts = topic[(Base.Length + 1)..].Split('/');
        if (parts.Length != 3 || parts[1] != "command") return false;
        deviceId = parts[0];
        key = parts[2];
        return true;
    }
}
