using Gateway.Shutdown.Restore;
using Gateway.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Battery;

/// <summary>The scheduled self-tests' results in data_dir (<c>battery-self-tests.json</c>, oldest first, the last <see cref="Keep"/>), written atomically.</summary>
public sealed class BatterySelfTestStore(string dataDir, ILogger? log = null)
{
    public const string FileName = "battery-self-tests.json";
    public const int Keep = 24;

    private readonly KeptListFile<BatterySelfTestResult> _file = new(Path.Combine(dataDir, FileName), OutageJsonContext.Default.ListBatterySelfTestResult, Keep,
        r => r.Device is not null && r.Result is not null, "the earlier self-test results are not shown", log);

    public string FilePath => _file.FilePath;

    public Task<List<BatterySelfTestResult>> LoadAsync(CancellationToken ct) => _file.LoadAsync(ct);

    public Task AppendAsync(BatterySelfTestResult result, CancellationToken ct) => _file.AppendAsync(result, ct);
}
