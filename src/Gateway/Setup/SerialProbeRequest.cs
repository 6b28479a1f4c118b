namespace Gateway.Setup;

/// <summary>The body of POST /api/setup/serial/probe: which port, which device type (must or em340), address and baud (defaults by type).</summary>
public sealed record SerialProbeRequest(string? Port, string? Type, int? Address, int? Baud);
