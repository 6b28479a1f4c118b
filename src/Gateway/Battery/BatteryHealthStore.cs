using System.Text.Json;
using Gateway.Shutdown.Restore;
using Gateway.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Battery;

/// <summary>
/// The battery's health history from real outages in data_dir (<c>battery-health.json</c>, oldest first, the last
/// <see cref="Keep"/>), written atomically when an outage ends: it outlives the outage history (the last 20).
/// </summary>
public sealed class BatteryHealthStore(string dataDir, ILogger? log = null)
{
    public const string FileName = "battery-health.json";
    public const int Keep = 200;

    public string FilePath { get; } = Path.Combine(dataDir, FileName);

    public async Task<List<BatteryHealthPoint>> LoadAsync(CancellationToken ct) =>
        await StateFileReader.LoadAsync(FilePath, OutageJsonContext.Default.ListBatteryHealthPoint,
            l => l.All(p => p?.Source is not null), "the earlier battery health points are not shown", log, ct).ConfigureAwait(false) ?? [];

    public async Task AppendAsync(BatteryHealthPoint point, CancellationToken ct)
    {
        var list = await LoadAsync(ct).ConfigureAwait(false);
        if (list.Any(p => p.At == point.At && p.Source == point.Source)) return;
        list.Add(point);
        if (list.Count > Keep) list.RemoveRange(0, list.Count - Keep);
        await AtomicFile.WriteAllTextAsync(FilePath, JsonSerializer.Serialize(list, OutageJsonContext.Default.ListBatteryHealthPoint), ct).ConfigureAwait(false);
    }
}
