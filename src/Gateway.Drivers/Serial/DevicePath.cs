namespace Gateway.Drivers.Serial;

/// <summary>Resolves configured port paths (by-id symlinks, udev names) to the device node behind them, anew every time.</summary>
public static class DevicePath
{
    /// <summary>The final target of <paramref name="path"/>, or null when the path (or its target) does not exist.</summary>
    public static string? Resolve(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is null) return File.Exists(path) ? Path.GetFullPath(path) : null;
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target is { Exists: true } ? target.FullName : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The id of the group that owns the device file (e.g. dialout's), or null when it cannot be read.</summary>
    public static uint? GroupId(string path) => Libc.GroupIdOf(path);
}
