namespace Gateway.Setup;

/// <summary>
/// One serial port the picker offers: its path (a stable <c>/dev/serial/by-id/…</c> name when the adapter has
/// one), the device node behind it, and the configured devices that already use it.
/// </summary>
public sealed record SerialPortEntry(string Path, string? Target, bool Stable, IReadOnlyList<string> UsedBy);
