namespace Gateway.DeviceCommands;

/// <summary>What the gate remembers about one device: the command running now, and when each rate key last ran.</summary>
internal sealed class DeviceCommandState
{
    public Lock Gate { get; } = new();
    public string? Running { get; set; }
    /// <summary>Rate key → when a command with that key last started.</summary>
    public Dictionary<string, long> LastStart { get; } = new(StringComparer.Ordinal);
    /// <summary>Setting → the command that last wrote it successfully, and when.</summary>
    public Dictionary<string, (string Command, long At)> LastWrite { get; } = new(StringComparer.Ordinal);
}
