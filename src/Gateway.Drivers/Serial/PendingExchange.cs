namespace Gateway.Drivers.Serial;

/// <summary>The one exchange a <see cref="FileDescriptorChannel"/>'s reader thread is working on (see <see cref="IExchangeTransport"/>).</summary>
internal sealed class PendingExchange(ReadOnlyMemory<byte> request, long quietUntil, TimeSpan timeout, byte[] reply, ReplyComplete complete)
{
    public ReadOnlyMemory<byte> Request { get; } = request;
    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp before which nothing is written.</summary>
    public long QuietUntil { get; } = quietUntil;
    public TimeSpan Timeout { get; } = timeout;
    public byte[] Reply { get; } = reply;
    public ReplyComplete Complete { get; } = complete;
    public TaskCompletionSource<ExchangeOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set once the request is written: the reply deadline (Stopwatch timestamp).</summary>
    public long Deadline { get; set; }
    public bool Written { get; set; }
    public int Received { get; set; }
    public int Stale { get; set; }
    public volatile bool Cancelled;
}
