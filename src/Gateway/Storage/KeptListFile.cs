using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace Gateway.Storage;

/// <summary>
/// A list kept in a small JSON file in data_dir, oldest first, at most <paramref name="keep"/> entries (the oldest
/// dropped), written atomically; one that cannot be read is moved aside (<see cref="StateFileReader"/>).
/// </summary>
/// <param name="valid">Whether one parsed entry has the fields it needs.</param>
/// <param name="losing">What a file moved aside loses, as a sentence.</param>
public sealed class KeptListFile<T>(string path, JsonTypeInfo<List<T>> type, int keep, Func<T, bool> valid, string losing, ILogger? log)
{
    public string FilePath => path;

    public async Task<List<T>> LoadAsync(CancellationToken ct) =>
        await StateFileReader.LoadAsync(path, type, l => l.All(x => x is not null && valid(x)), losing, log, ct).ConfigureAwait(false) ?? [];

    /// <summary>Adds <paramref name="item"/> unless <paramref name="duplicate"/> finds it there already.</summary>
    public async Task AppendAsync(T item, CancellationToken ct, Func<T, bool>? duplicate = null)
    {
        var list = await LoadAsync(ct).ConfigureAwait(false);
        if (duplicate is not null && list.Any(duplicate)) return;
        list.Add(item);
        if (list.Count > keep) list.RemoveRange(0, list.Count - keep);
        await AtomicFile.WriteAllTextAsync(path, JsonSerializer.Serialize(list, type), ct).ConfigureAwait(false);
    }
}
