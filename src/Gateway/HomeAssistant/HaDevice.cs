namespace Gateway.HomeAssistant;

/// <summary>The <c>device</c> block of a discovery document.</summary>
public sealed record HaDevice(
    IReadOnlyList<string> Identifiers,
    string Name,
    string? Manufacturer = null,
    string? Model = null,
    string? SerialNumber = null,
    string? SoftwareVersion = null,
    string? ViaDevice = null);
