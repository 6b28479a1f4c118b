using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// Gives back memory the gateway no longer uses, off the hot path: <see cref="FirstAfter"/> after start (start-up has
/// settled) and then every <see cref="Every"/>, one compacting full collection and the release of the binary's clean
/// pages (<see cref="ExecutablePages"/>). The full collection frees what only a gen2 collection frees, which the
/// gateway's small allocation rate otherwise reaches in hours or never: the buffers Kestrel's memory pool evicts, on the
/// pinned-object heap, and the gen1 garbage promoted to gen2 since the last one (gen2 grows ~0.1 MiB a minute, and
/// the GC commits regions for it). The first release drops the pages only start-up used; the later ones drop what
/// fault-around mapped since. Every 5 minutes rather than 15 holds gen2 and the GC's commitment lower for a few
/// milliseconds of CPU each time; not every minute: a per-minute release kept RSS 2 MiB lower only by unmapping pages
/// the next minute maps again (bench/results.md).
/// </summary>
public sealed partial class MemoryTrim(TimeProvider time, ILogger<MemoryTrim> log) : BackgroundService
{
    public static readonly TimeSpan FirstAfter = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(5);

    private int _trims;

    /// <summary>How many trims ran (tests wait on it instead of sleeping).</summary>
    internal int Trims => Volatile.Read(ref _trims);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstAfter, time, stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(Every, time);
            do
            {
                Trim();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private void Trim()
    {
        try
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var released = ExecutablePages.Release();
            // glibc keeps freed malloc memory (SQLite's page cache, the native runtime's buffers) in its arenas;
            // this hands the free pages of every arena back to the kernel.
            MallocTrim(0);
            log.LogDebug("Memory trim: {KiB} KiB of the binary's clean pages released", released);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            log.LogDebug("Memory trim: madvise or malloc_trim is not available here ({Reason})", e.Message);
        }
        Interlocked.Increment(ref _trims);
    }

    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
