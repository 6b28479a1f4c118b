using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Gateway.Web;

/// <summary>
/// Runs the web's history and event-log queries on one dedicated thread, one at a time, never on the shared thread
/// pool: SQLite reads block (Microsoft.Data.Sqlite's async methods are synchronous), and the pool is what the device
/// polls and the policy run on. At most <see cref="MaxWaiting"/> queries wait; more are refused (503) at once, and
/// a query that runs longer than <see cref="TimeBudget"/> is cancelled.
/// </summary>
public sealed class HistoryReader : IDisposable
{
    public const int MaxWaiting = 8;
    public static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(10);

    private readonly Channel<Func<Task>> _jobs = Channel.CreateBounded<Func<Task>>(new BoundedChannelOptions(MaxWaiting) { SingleReader = true });
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Thread _thread;
    private long _refused;

    public HistoryReader(TimeProvider time, ILogger<HistoryReader> log)
    {
        _time = time;
        _log = log;
        _thread = new Thread(Run) { IsBackground = true, Name = "history-reader" };
        _thread.Start();
    }

    /// <summary>Queries refused because <see cref="MaxWaiting"/> were already waiting.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Runs the query on the reader thread; null when too many are waiting (the caller answers 503).</summary>
    public Task<T>? TryRun<T>(Func<CancellationToken, Task<T>> query, CancellationToken ct)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Job()
        {
            if (ct.IsCancellationRequested)
            {
                done.TrySetCanceled(ct);
                return;
            }
            using var budget = new CancellationTokenSource(TimeBudget, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, budget.Token);
            try { done.TrySetResult(await query(linked.Token).ConfigureAwait(false)); }
            catch (OperationCanceledException) when (budget.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                done.TrySetException(new TimeoutException($"the history query took longer than {TimeBudget.TotalSeconds:0} s; ask for a shorter range"));
            }
            catch (Exception e) { done.TrySetException(e); }
        }
        if (_jobs.Writer.TryWrite(Job)) return done.Task;
        Interlocked.Increment(ref _refused);
        return null;
    }

    private void Run()
    {
        var reader = _jobs.Reader;
        while (true)
        {
            Func<Task> job;
            try
            {
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) return;
                if (!reader.TryRead(out job!)) continue;
            }
            catch (ChannelClosedException) { return; }
            try
            {
                // The SQLite store completes synchronously on this thread; anything truly async finishes wherever it resumes.
                job().GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                _log.LogError(e, "History reader: a query failed unexpectedly");
            }
        }
    }

    public void Dispose() => _jobs.Writer.TryComplete();
}
