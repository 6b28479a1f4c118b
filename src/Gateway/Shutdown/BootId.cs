namespace Gateway.Shutdown;

/// <summary>
/// The kernel's id of this boot. A sequence persisted in an earlier boot is not resumed: the machine went down
/// (or lost power) and has come back, and shutting it down again would be wrong.
/// </summary>
public static class BootId
{
    public static string? Current { get; } = Read("/proc/sys/kernel/random/boot_id");

    public static string? Read(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
