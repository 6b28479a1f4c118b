namespace Gateway.Setup;

/// <summary>The body of GET /api/setup/serial/ports.</summary>
public sealed record SerialPortList(IReadOnlyList<SerialPortEntry> Ports, string? Note);
