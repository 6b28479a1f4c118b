using System.Threading.Tasks.Sources;

namespace Gateway.Drivers.Serial;

/// <summary>
/// The one exchange a <see cref="FileDescriptorChannel"/>'s reader thread is working on (see <see cref="IExchangeTransport"/>).
/// A port keeps one and uses it again for its next exchange (one at a time), so an exchange allocates no task.
/// Each use has its own version: a completion meant for an earlier use (a failure queued to the pool when the reader
/// ended) finds another version and does nothing, and only the first completion of a use counts.
/// </summary>
internal sealed class PendingExchange : IValueTaskSource<ExchangeOutcome>
{
    private ManualResetValueTaskSourceCore<ExchangeOutcome> _core;
    /// <summary>The use's version times two, plus one once it is completed.</summary>
    private int _state;

    public ReadOnlyMemory<byte> Request { get; private set; }
    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp before which nothing is written.</summary>
    public long QuietUntil { get; private set; }
    public TimeSpan Timeout { get; private set; }
    public Memory<byte> Reply { get; private set; }
    public ReplyComplete Complete { get; private set; } = static _ => false;
    /// <summary>
    /// Set when the exchange was started on the reader thread itself (by a poll loop that runs there): the caller
    /// goes on on the reader thread when it completes: no thread-pool hand-off, and the caller's next request or
    /// wait is picked up by the same thread. Other callers (commands, the first poll) resume on the thread pool.
    /// </summary>
    public bool Inline { get; private set; }

    /// <summary>Set once the request is written: the reply deadline (Stopwatch timestamp).</summary>
    public long Deadline { get; set; }
    public bool Written { get; set; }
    public int Received { get; set; }
    public int Stale { get; set; }
    public volatile bool Cancelled;

    /// <summary>This use's version (pass it to the completions).</summary>
    public short Version => _core.Version;

    /// <summary>Readies the exchange for a new use; only after the previous use's result was taken.</summary>
    public void Start(ReadOnlyMemory<byte> request, long quietUntil, TimeSpan timeout, Memory<byte> reply, ReplyComplete complete, bool inline)
    {
        _core.Reset();
        _core.RunContinuationsAsynchronously = !inline;
        Request = request;
        QuietUntil = quietUntil;
        Timeout = timeout;
        Reply = reply;
        Complete = complete;
        Inline = inline;
        Deadline = 0;
        Written = false;
        Received = 0;
        Stale = 0;
        Cancelled = false;
        Volatile.Write(ref _state, _core.Version * 2);
    }

    /// <summary>Drops the caller's buffers and callback once the use is over (they are not kept alive by the port).</summary>
    public void Clear()
    {
        Request = default;
        Reply = default;
        Complete = static _ => false;
    }

    public ValueTask<ExchangeOutcome> Task => new(this, _core.Version);

    public bool TrySetResult(short version, ExchangeOutcome outcome)
    {
        if (!TryClaim(version)) return false;
        _core.SetResult(outcome);
        return true;
    }

    public bool TrySetException(short version, Exception error)
    {
        if (!TryClaim(version)) return false;
        _core.SetException(error);
        return true;
    }

    private bool TryClaim(short version) => Interlocked.CompareExchange(ref _state, version * 2 + 1, version * 2) == version * 2;

    public ExchangeOutcome GetResult(short token) => _core.GetResult(token);
    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
