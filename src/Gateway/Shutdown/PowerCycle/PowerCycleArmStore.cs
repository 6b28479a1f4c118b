using System.Text.Json;
using Gateway.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Shutdown.PowerCycle;

/// <summary>Reads and writes the armed <see cref="PowerCycleArm"/> crash-safely (<see cref="AtomicFile"/>); an unusable file is moved aside.</summary>
public sealed class PowerCycleArmStore(string dataDir, ILogger? log = null)
{
    public const string FileName = "power-cycle-arm.json";

    public string FilePath { get; } = Path.Combine(dataDir, FileName);

    public Task<PowerCycleArm?> LoadAsync(CancellationToken ct) =>
        StateFileReader.LoadAsync(FilePath, ShutdownJsonContext.Default.PowerCycleArm, a => !string.IsNullOrEmpty(a.Device),
            "an armed UPS power-cycle is not re-armed", log, ct);

    public Task SaveAsync(PowerCycleArm arm, CancellationToken ct) =>
        AtomicFile.WriteAllTextAsync(FilePath, JsonSerializer.Serialize(arm, ShutdownJsonContext.Default.PowerCycleArm), ct);

    /// <summary>Deletes the file; true when there was one.</summary>
    public bool Clear()
    {
        if (!File.Exists(FilePath)) return false;
        File.Delete(FilePath);
        return true;
    }
}
