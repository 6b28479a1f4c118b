namespace Gateway.HomeAssistant;

/// <summary>
/// What a device's Home Assistant discovery configs depend on besides its commands: identity and how many
/// entities have been seen (the set only grows). Equal to the last one published: nothing to announce again.
/// </summary>
public readonly record struct HaDiscoverySignature(string? Serial, string? Manufacturer, string? Model, string? Firmware, int SeenKeys);
