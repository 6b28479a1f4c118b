using System.Text.Json;
using Gateway.Shutdown.Restore;
using Gateway.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Battery;

/// <summary>The scheduled self-tests' results in data_dir (<c>battery-self-tests.json</c>, oldest first, the last <see cref="Keep"/>), written atomically.</summary>
public sealed class BatterySelfTestStore(string dataDir, ILogger? log = null)
{
    public const string FileName = "battery-self-tests.json";
    public const int Keep = 24;

    public string FilePath { get; } = Path.Combine(dataDir, FileName);

    public async Task<List<BatterySelfTestResult>> LoadAsync(CancellationToken ct) =>
        await StateFileReader.LoadAsync(FilePath, OutageJsonContext.Default.ListBatterySelfTestResult,
            l => l.All(r => r?.Device is not null && r.Result is not null), "the earlier self-test results are not shown", log, ct).ConfigureAwait(false) ?? [];

    public async Task AppendAsync(BatterySelfTestResult result, CancellationToken ct)
    {
        var list = await LoadAsync(ct).ConfigureAwait(false);
        list.Add(result);
        if (list.Count > Keep) list.RemoveRange(0, list.Count - Keep);
        await AtomicFile.WriteAllTextAsync(FilePath, JsonSerializer.Serialize(list, OutageJsonContext.Default.ListBatterySelfTestResult), ct).ConfigureAwait(false);
    }
}
