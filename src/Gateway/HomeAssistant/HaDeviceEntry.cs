using Gateway.Drivers.Devices;

namespace Gateway.HomeAssistant;

/// <summary>
/// What the Home Assistant bridge knows about one configured device: filled by <see cref="HaStatePublisher"/> from
/// readings, read by <see cref="HaDiscoveryPublisher"/> and <see cref="HaCommandHandler"/>. Guarded by the bridge's lock.
/// </summary>
/// <param name="meterEntities">The sensors of a device that is not a UPS, by metric key (from its device type).</param>
public sealed class HaDeviceEntry(string id, string name, string type, DeviceKind kind, IReadOnlyDictionary<string, HaEntity>? meterEntities = null)
{
    public IReadOnlyDictionary<string, HaEntity> MeterEntities { get; } = meterEntities ?? HomeAssistant.MeterEntities.ByMetric;
    public string Id { get; } = id;
    public string Name { get; } = name;
    public string Type { get; } = type;
    public DeviceKind Kind { get; } = kind;
    public SortedSet<string> SeenKeys { get; } = new(StringComparer.Ordinal);
    public string? Serial { get; set; }
    public string? Manufacturer { get; set; }
    public string? Model { get; set; }
    public string? Firmware { get; set; }
    public string? BeeperStatus { get; set; }
    /// <summary>What the discovery configs were last published from (with <see cref="DiscoveredCommands"/>).</summary>
    public HaDiscoverySignature? DiscoverySignature { get; set; }
    public IReadOnlyList<string>? DiscoveredCommands { get; set; }
    public byte[]? LastState { get; set; }
    public long LastStateAt { get; set; }
}
