using System.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// Keeps the gateway's resident memory where its work needs it, off the hot path: <see cref="FirstAfter"/> after start
/// (start-up has settled) and then every <see cref="Every"/>, the release of the binary's clean pages
/// (<see cref="ExecutablePages"/>), and with every <see cref="CollectEvery"/>th of them (the first included) one
/// compacting full collection. The full collection frees what only a gen2 collection frees,
/// which the gateway's small allocation rate otherwise reaches in hours or never: the buffers Kestrel's memory pool
/// evicts, on the pinned-object heap. The bench saw no CPU difference (bench/results.md).
/// </summary>
public sealed class MemoryTrim(TimeProvider time, ILogger<MemoryTrim> log) : BackgroundService
{
    public static readonly TimeSpan FirstAfter = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(1);
    public const int CollectEvery = 15;

    private int _trims;
    private int _collections;

    /// <summary>How many trims ran (tests wait on it instead of sleeping).</summary>
    internal int Trims => Volatile.Read(ref _trims);

    /// <summary>How many of them included a full collection.</summary>
    internal int Collections => Volatile.Read(ref _collections);

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
            if (Trims % CollectEvery == 0)
            {
                GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                Interlocked.Increment(ref _collections);
            }
            var released = ExecutablePages.Release();
            log.LogDebug("Memory trim: {KiB} KiB of the binary's clean pages released", released);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            log.LogDebug("Memory trim: madvise is not available here ({Reason})", e.Message);
        }
        Interlocked.Increment(ref _trims);
    }
}
