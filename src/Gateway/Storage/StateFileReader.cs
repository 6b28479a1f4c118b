using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace Gateway.Storage;

/// <summary>
/// Reads a small JSON state file in data_dir. A state file is a convenience, never a reason not to start: one that
/// cannot be read (a directory in its place, no permission, not JSON, JSON without the fields it needs) is moved
/// aside to <c>NAME.corrupt-TIMESTAMP</c> with a warning that names both paths, and the caller starts without it.
/// </summary>
public static class StateFileReader
{
    /// <param name="valid">Whether a parsed value has everything it needs (System.Text.Json leaves missing fields null).</param>
    /// <param name="losing">What starting without the file means, as a sentence (e.g. "an interrupted shutdown is not resumed").</param>
    public static async Task<T?> LoadAsync<T>(string path, JsonTypeInfo<T> type, Func<T, bool> valid, string losing, ILogger? log, CancellationToken ct)
        where T : class
    {
        string? problem;
        try
        {
            var text = await AtomicFile.ReadAllTextOrNullAsync(path, ct).ConfigureAwait(false);
            if (text is null) return null;
            if (string.IsNullOrWhiteSpace(text)) problem = "it is empty";
            else
            {
                var value = JsonSerializer.Deserialize(text, type);
                if (value is not null && valid(value)) return value;
                problem = "it is JSON but not a valid state (fields are missing)";
            }
        }
        catch (JsonException e)
        {
            problem = $"it is not valid JSON ({e.Message})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = Directory.Exists(path) ? "it is a directory, not a file" : $"it cannot be read ({e.GetType().Name}: {e.Message})";
        }
        MoveAside(path, problem, losing, log);
        return null;
    }

    private static void MoveAside(string path, string problem, string losing, ILogger? log)
    {
        var aside = $"{path}.corrupt-{DateTime.UtcNow.ToString("yyyyMMddTHHmmss", CultureInfo.InvariantCulture)}";
        for (var i = 1; File.Exists(aside) || Directory.Exists(aside); i++) aside = $"{path}.corrupt-{DateTime.UtcNow.ToString("yyyyMMddTHHmmss", CultureInfo.InvariantCulture)}-{i}";
        try
        {
            if (Directory.Exists(path)) Directory.Move(path, aside);
            else File.Move(path, aside);
            log?.LogWarning("The state file {Path} was not usable: {Problem}. It was moved to {Aside} and the gateway goes on without it ({Losing}). Look at it and delete it when done: rm -r {Aside}",
                path, problem, aside, losing, aside);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log?.LogWarning("The state file {Path} was not usable: {Problem}, and it could not be moved aside ({Error}). The gateway goes on without it ({Losing}); remove it by hand: rm -r {Path}",
                path, problem, e.Message, losing, path);
        }
    }
}
