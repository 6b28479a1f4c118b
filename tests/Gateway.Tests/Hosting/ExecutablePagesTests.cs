using Gateway.Hosting;

namespace Gateway.Tests.Hosting;

public class ExecutablePagesTests
{
    private const string Smaps = """
        55fc4d493000-55fc4d4c4000 r--p 00000000 fe:00 12165155                   /opt/gw/gateway
        Size:                196 kB
        Rss:                 196 kB
        Anonymous:             0 kB
        55fc4d4c4000-55fc4dfb6000 r-xp 00031000 fe:00 12165155                   /opt/gw/gateway
        Rss:               10888 kB
        Anonymous:             0 kB
        55fc4e640000-55fc4e641000 r--p 011ad000 fe:00 12165155                   /opt/gw/gateway
        Rss:                   4 kB
        Anonymous:             4 kB
        55fc4e641000-55fc4ea45000 r--p 011ae000 fe:00 12165155                   /opt/gw/gateway
        Rss:                   0 kB
        Anonymous:             0 kB
        55fc4ea47000-55fc4eaae000 rw-p 015b3000 fe:00 12165155                   /opt/gw/gateway
        Rss:                 412 kB
        Anonymous:           176 kB
        7fe9f6620000-7fe9f6682000 r--p 00000000 fe:00 1000                       /usr/lib/x86_64-linux-gnu/libcrypto.so.3
        Rss:                 392 kB
        Anonymous:             0 kB
        7fe9f7600000-7fe9f7700000 rw-p 00000000 00:00 0
        Rss:                1024 kB
        Anonymous:          1024 kB
        """;

    [Fact]
    public void PicksOnlyTheBinarysReadOnlyMappingsWithoutPrivateCopies()
    {
        var ranges = ExecutablePages.CleanRanges(Smaps.Split('\n'), "/opt/gw/gateway");
        // Not the relocated read-only page (anonymous), not the writable data, not a library, not an empty mapping.
        Assert.Equal(
            [new(0x55fc4d493000, 0x55fc4d4c4000, 196), new(0x55fc4d4c4000, 0x55fc4dfb6000, 10888)],
            ranges);
    }

    [Fact]
    public void AReplacedBinaryOrAnotherPathMatchesNothing() =>
        Assert.Empty(ExecutablePages.CleanRanges(Smaps.Split('\n'), "/opt/gw/gateway (deleted)"));

    [Fact]
    public void ReleasingTheRunningProcesssPagesKeepsItRunning()
    {
        // The test host's own executable: its clean pages are dropped and come back from the page cache when used.
        // Another test (MemoryTrimTests) may have released them already: read a byte of every page to map them again.
        FaultInExecutable();
        var before = ExecutablePages.CleanRanges(File.ReadAllLines("/proc/self/smaps"), Environment.ProcessPath!);
        Assert.NotEmpty(before);
        var released = ExecutablePages.Release();
        Assert.True(released > 0, "some resident KiB of the executable were released");
        var after = ExecutablePages.CleanRanges(File.ReadAllLines("/proc/self/smaps"), Environment.ProcessPath!);
        Assert.True(after.Sum(r => r.ResidentKiB) < before.Sum(r => r.ResidentKiB),
            $"resident KiB of the executable's clean mappings went down ({before.Sum(r => r.ResidentKiB)} → {after.Sum(r => r.ResidentKiB)})");
        // and the process still runs code from those pages
        Assert.Equal(4, Task.Run(() => 2 + 2).Result);
    }

    private static void FaultInExecutable()
    {
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[5].Trim() != Environment.ProcessPath || fields[1][0] != 'r' || fields[1][1] == 'w') continue;
            var bounds = fields[0].Split('-');
            var start = Convert.ToInt64(bounds[0], 16);
            var end = Convert.ToInt64(bounds[1], 16);
            for (var page = start; page < end; page += 4096) System.Runtime.InteropServices.Marshal.ReadByte((nint)page);
        }
    }
}
