namespace Gateway.Tests.Support;

/// <summary>
/// A fact that can only show its behaviour on a machine WITHOUT the given paths (e.g. no GPIO chip, no system-wide
/// config): where one exists, the runner reports the test as skipped, naming the path, instead of letting it pass
/// without asserting anything. A path may end in <c>*</c> (a file name prefix: <c>/dev/gpiochip*</c>).
/// </summary>
public sealed class FactWhenAbsentAttribute : FactAttribute
{
    public FactWhenAbsentAttribute(params string[] paths)
    {
        if (paths.FirstOrDefault(Exists) is { } found)
            Skip = $"{found} exists on this machine, and the behaviour this test shows needs it absent";
    }

    private static bool Exists(string path)
    {
        if (!path.EndsWith('*')) return File.Exists(path) || Directory.Exists(path);
        var dir = Path.GetDirectoryName(path);
        return Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir, Path.GetFileName(path)).Any();
    }
}
