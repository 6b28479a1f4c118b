using System.Text.Json;
using Gateway.Storage;

namespace Gateway.Shutdown;

/// <summary>Reads and writes <see cref="ShutdownProgress"/> crash-safely (<see cref="AtomicFile"/>).</summary>
public sealed class ShutdownStateStore(string dataDir)
{
    public const string FileName = "shutdown-state.json";

    public string FilePath { get; } = Path.Combine(dataDir, FileName);

    public async Task<ShutdownProgress?> LoadAsync(CancellationToken ct)
    {
        var text = await AtomicFile.ReadAllTextOrNullAsync(FilePath, ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text)) return null;
        try { return JsonSerializer.Deserialize(text, ShutdownJsonContext.Default.ShutdownProgress); }
        catch (JsonException) { return null; }
    }

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
