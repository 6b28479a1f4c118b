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

    private readonly KeptListFile<BatteryHealthPoint> _file = new(Path.Combine(dataDir, FileName), OutageJsonContext.Default.ListBatteryHealthPoint, Keep,
        p => p.Source is not null, "the earlier battery health points are not shown", log);

    public string FilePath => _file.FilePath;

    public Task<List<BatteryHealthPoint>> LoadAsync(CancellationToken ct) => _file.LoadAsync(ct);

    /// <summary>Keeps one point (once: the same outage is not kept twice).</summary>
    public Task AppendAsync(BatteryHealthPoint point, CancellationToken ct) =>
        _file.AppendAsync(point, ct, p => p.At == point.At && p.Source == point.Source);
}
