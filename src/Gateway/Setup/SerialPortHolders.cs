namespace Gateway.Setup;

/// <summary>
/// Which other processes have a device file open, from <c>/proc/&lt;pid&gt;/fd</c> (best effort: without root only
/// the processes of the same user are visible). Serial ports are not locked on Linux, so two programs on one
/// port garble each other's frames; the probe names the other program instead.
/// </summary>
public static class SerialPortHolders
{
    public sealed record Holder(int Pid, string Name);

    public static IReadOnlyList<Holder> Find(string devicePath, string procDir = "/proc")
    {
        var self = Environment.ProcessId;
        var found = new List<Holder>();
        IEnumerable<string> pids;
        try { pids = Directory.EnumerateDirectories(procDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return found; }
        foreach (var dir in pids)
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == self) continue;
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget != devicePath) continue;
                    found.Add(new Holder(pid, ReadName(dir)));
                    break;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return found;
    }

    private static string ReadName(string dir)
    {
        try { return File.ReadAllText(Path.Combine(dir, "comm")).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "?"; }
    }
}
