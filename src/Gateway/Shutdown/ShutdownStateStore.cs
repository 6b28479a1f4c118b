using System.Text.Json;
using Gateway.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Shutdown;

/// <summary>Reads and writes <see cref="ShutdownProgress"/> crash-safely (<see cref="AtomicFile"/>); an unusable file is moved aside.</summary>
public sealed class ShutdownStateStore(string dataDir, ILogger? log = null)
{
    public const string FileName = "shutdown-state.json";

    public string FilePath { get; } = Path.Combine(dataDir, FileName);

    public Task<ShutdownProgress?> LoadAsync(CancellationToken ct) =>
        StateFileReader.LoadAsync(FilePath, ShutdownJsonContext.Default.ShutdownProgress,
            p => p.Trigger is not null && p.Reason is not null && p.Completed is not null && p.Completed.All(r => r?.Step is not null),
            "an interrupted shutdown sequence is not resumed", log, ct);

    public Task SaveAsync(ShutdownProgress progress, CancellationToken ct) =>
        AtomicFile.WriteAllTextAsync(FilePath, JsonSerializer.Serialize(progress, ShutdownJsonContext.Default.ShutdownProgress), ct);

    /// <summary>Deletes the file; true when there was one.</summary>
    public bool Clear()
    {
        if (!File.Exists(FilePath)) return false;
        File.Delete(FilePath);
        return true;
    }
}
