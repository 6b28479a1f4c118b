using System.Text.Json;
using Gateway.Storage;

namespace Gateway.Shutdown.Restore;

/// <summary>
/// The current outage (<c>outage-state.json</c>) and the last finished ones (<c>outages.json</c>) in data_dir,
/// written crash-safely. A file that cannot be parsed is moved aside (<c>.corrupt</c>), never a reason not to start.
/// </summary>
public sealed class OutageRecordStore(string dataDir)
{
    public const string CurrentFileName = "outage-state.json";
    public const string HistoryFileName = "outages.json";
    public const int HistoryCapacity = 20;

    public string CurrentPath { get; } = Path.Combine(dataDir, CurrentFileName);
    public string HistoryPath { get; } = Path.Combine(dataDir, HistoryFileName);

    public async Task<OutageRecord?> LoadCurrentAsync(CancellationToken ct)
    {
        var text = await AtomicFile.ReadAllTextOrNullAsync(CurrentPath, ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text)) return null;
        try { return JsonSerializer.Deserialize(text, OutageJsonContext.Default.OutageRecord); }
        catch (JsonException) { MoveAside(CurrentPath); return null; }
    }

    public Task SaveCurrentAsync(OutageRecord record, CancellationToken ct) =>
        AtomicFile.WriteAllTextAsync(CurrentPath, JsonSerializer.Serialize(record, OutageJsonContext.Default.OutageRecord), ct);

    public void ClearCurrent()
    {
        if (File.Exists(CurrentPath)) File.Delete(CurrentPath);
    }

    /// <summary>The last finished outages, oldest first.</summary>
    public async Task<List<OutageRecord>> LoadHistoryAsync(CancellationToken ct)
    {
        var text = await AtomicFile.ReadAllTextOrNullAsync(HistoryPath, ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text)) return [];
        try { return JsonSerializer.Deserialize(text, OutageJsonContext.Default.ListOutageRecord) ?? []; }
        catch (JsonException) { MoveAside(HistoryPath); return []; }
    }

    public async Task AppendHistoryAsync(OutageRecord finished, CancellationToken ct)
    {
        var list = await LoadHistoryAsync(ct).ConfigureAwait(false);
        list.Add(finished);
        if (list.Count > HistoryCapacity) list.RemoveRange(0, list.Count - HistoryCapacity);
        await AtomicFile.WriteAllTextAsync(HistoryPath, JsonSerializer.Serialize(list, OutageJsonContext.Default.ListOutageRecord), ct).ConfigureAwait(false);
    }

    private static void MoveAside(string path)
    {
        try { File.Move(path, path + ".corrupt", overwrite: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
