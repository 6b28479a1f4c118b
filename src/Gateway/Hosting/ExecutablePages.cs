using System.Globalization;
using System.Runtime.InteropServices;

namespace Gateway.Hosting;

/// <summary>
/// Drops the gateway binary's resident but clean pages from the process's page tables: the read-only and executable
/// mappings of the executable that hold no private (anonymous, e.g. relocated) copy. Most of them were mapped at
/// start-up (code and type data used once) or by the kernel's fault-around, which maps a whole block of neighbours
/// with every page the process touches. They stay in the page cache, so a page the gateway uses again comes back with
/// a minor fault (no disk read). docs/reference/native-aot-runtime.md has the measurements and the why.
/// </summary>
public static partial class ExecutablePages
{
    private const int MadvDontneed = 4;

    /// <summary>An address range of a mapping to release, and how much of it is resident.</summary>
    public readonly record struct Range(ulong Start, ulong End, long ResidentKiB);

    /// <summary>Releases the clean pages of the running executable. Returns the KiB that were resident in them; 0 when
    /// nothing could be done (no /proc, an old kernel refusing the advice, a replaced binary).</summary>
    public static long Release()
    {
        var exe = Environment.ProcessPath;
        if (exe is null) return 0;
        List<Range> ranges;
        // Line by line: the whole file is ~130 KB, a string that size would land on the large-object heap every time.
        try { ranges = CleanRanges(File.ReadLines("/proc/self/smaps"), exe); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
        long released = 0;
        foreach (var r in ranges)
            if (MAdvise((nint)r.Start, (nuint)(r.End - r.Start), MadvDontneed) == 0) released += r.ResidentKiB;
        return released;
    }

    /// <summary>
    /// From the lines of /proc/PID/smaps: the mappings of <paramref name="exe"/> that are not writable and have no anonymous
    /// pages, i.e. whose every resident page is an unmodified page of the file. A writable mapping, or a read-only one
    /// with private copies (relocations the loader wrote before making them read-only), is never touched: dropping
    /// those pages would lose what was written to them.
    /// </summary>
    public static List<Range> CleanRanges(IEnumerable<string> smaps, string exe)
    {
        var ranges = new List<Range>();
        ulong start = 0, end = 0;
        long rss = 0;
        var candidate = false;
        foreach (var line in smaps)
        {
            if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.IndexOf('-') is var dash and > 0 && line.IndexOf(' ') > dash)
            {
                var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                var bounds = fields[0].Split('-');
                start = ulong.Parse(bounds[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                end = ulong.Parse(bounds[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                candidate = fields.Length == 6 && fields[5].Trim() == exe && fields[1].Length >= 2 && fields[1][1] != 'w';
                rss = 0;
            }
            else if (candidate && line.StartsWith("Rss:", StringComparison.Ordinal)) rss = KiB(line);
            else if (candidate && line.StartsWith("Anonymous:", StringComparison.Ordinal))
            {
                if (KiB(line) == 0 && rss > 0) ranges.Add(new Range(start, end, rss));
                candidate = false;
            }
        }
        return ranges;
    }

    private static long KiB(ReadOnlySpan<char> line)
    {
        var value = line[(line.IndexOf(':') + 1)..].Trim();
        var space = value.IndexOf(' ');
        return long.TryParse(space < 0 ? value : value[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib : 0;
    }

    [LibraryImport("libc.so.6", EntryPoint = "madvise")]
    private static partial int MAdvise(nint address, nuint length, int advice);
}
