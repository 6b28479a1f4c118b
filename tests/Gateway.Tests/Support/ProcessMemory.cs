using System.Globalization;

namespace Gateway.Tests.Support;

/// <summary>Resident memory of a process from /proc/PID/status: VmRSS (now) and VmHWM (peak), in bytes.</summary>
public static class ProcessMemory
{
    public static long Rss(int pid) => Read(pid, "VmRSS:");

    public static long PeakRss(int pid) => Read(pid, "VmHWM:");

    private static long Read(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
            var kb = line[field.Length..].Trim().Split(' ')[0];
            return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException($"/proc/{pid}/status has no {field}");
    }
}
