using System.Text.Json;
using Gateway.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Policy;

/// <summary>Reads and writes <see cref="PolicyMemory"/> crash-safely in data_dir/policy-state.json; an unusable file is moved aside.</summary>
public sealed class PolicyMemoryStore(string dataDir, ILogger? log = null)
{
    public const string FileName = "policy-state.json";

    public string FilePath { get; } = Path.Combine(dataDir, FileName);

    public Task<PolicyMemory?> LoadAsync(CancellationToken ct) =>
        StateFileReader.LoadAsync(FilePath, PolicyJsonContext.Default.PolicyMemory, m => m.Samples is not null && m.Samples.All(s => s is not null),
            "an outage in progress before the restart is not remembered", log, ct);

    public Task SaveAsync(PolicyMemory memory, CancellationToken ct) =>
        AtomicFile.WriteAllTextAsync(FilePath, JsonSerializer.Serialize(memory, PolicyJsonContext.Default.PolicyMemory), ct);
}
