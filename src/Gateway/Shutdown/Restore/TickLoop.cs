using Microsoft.Extensions.Logging;

namespace Gateway.Shutdown.Restore;

/// <summary>Runs an evaluation every interval until stopped; a failing evaluation is logged and tried again at the next tick (a loop never dies).</summary>
public static class TickLoop
{
    /// <param name="stillNeeded">Checked after each tick: false ends the loop (null: ticks until stopped).</param>
    public static async Task RunAsync(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> tick, ILogger log, string what, CancellationToken stoppingToken,
        Func<bool>? stillNeeded = null)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try { await tick(stoppingToken).ConfigureAwait(false); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "{What} failed unexpectedly; it is tried again", what);
                }
                if (stillNeeded is not null && !stillNeeded()) return;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
