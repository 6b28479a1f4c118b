namespace Gateway.Drivers.Serial;

/// <summary>The one exchange a <see cref="FileDescriptorChannel"/>'s reader thread is working on (see <see cref="IExchangeTransport"/>).</summary>
internal sealed class PendingExchange(ReadOnlyMemory<byte> request, long quietUntil, TimeSpan timeout, Memory<byte> reply, ReplyComplete complete, bool inline)
{
    public ReadOnlyMemory<byte> Request { get; } = request;
    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp before which nothing is written.</summary>
    public long QuietUntil { get; } = quietUntil;
    public TimeSpan Timeout { get; } = timeout;
    public Memory<byte> Reply { get; } = reply;
    public ReplyComplete Complete { get; } = complete;
    /// <summary>
    /// With <c>inline</c> (the exchange was started on the reader thread itself, by a poll loop that runs there) the
    /// caller goes on on the reader thread when it completes: no thread-pool hand-off, and the caller's next request
    /// or wait is picked up by the same thread. Other callers (commands, the first poll) resume on the thread pool.
    /// </summary>
    public TaskCompletionSource<ExchangeOutcome> Done { get; } = new(inline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
    public bool Inline { get; } = inline;

    /// <summary>Set once the request is written: the reply deadline (Stopwatch timestamp).</summary>
    public long Deadline { get; set; }
    public bool Written { get; set; }
    public int Received { get; set; }
    public int Stale { get; set; }
    public volatile bool Cancelled;
}
