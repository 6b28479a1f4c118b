using System.Text.Json;
using Gateway.Storage;

namespace Gateway.Policy;

/// <summary>Reads and writes <see cref="PolicyMemory"/> crash-safely in data_dir/policy-state.json.</summary>
public sealed class PolicyMemoryStore(string dataDir)
{
    public const string FileName = "policy-state.json";

    public string FilePath { get; } = Path.Combine(dataDir, FileName);

    public async Task<PolicyMemory?> LoadAsync(CancellationToken ct)
    {
        var text = await AtomicFile.ReadAllTextOrNullAsync(FilePath, ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text)) return null;
        try { return JsonSerializer.Deserialize(text, PolicyJsonContext.Default.PolicyMemory); }
        catch (JsonException) { return null; }
    }

    public Task SaveAsync(PolicyMemory memory, CancellationToken ct) =>
        AtomicFile.WriteAllTextAsync(FilePath, JsonSerializer.Serialize(memory, PolicyJsonContext.Default.PolicyMemory), ct);
}
