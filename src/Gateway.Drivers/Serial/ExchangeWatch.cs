namespace Gateway.Drivers.Serial;

/// <summary>
/// One request repeated on a grid by the port's reader thread until its reply differs from the one expected
/// (see <see cref="IExchangeTransport.WatchAsync"/>): a UPS's status read, answered the same way four times a second for
/// hours, costs a write, a poll and a read per cycle and no managed work beyond comparing a few bytes. The callbacks run
/// on the reader thread and must not block.
/// </summary>
public sealed class ExchangeWatch
{
    private volatile bool _interrupted;
    private Action? _wake;

    /// <param name="unchanged">The whole reply that means "nothing changed"; any other reply ends the watch.</param>
    /// <param name="interval">From one cycle's start to the next.</param>
    /// <param name="until">Stopwatch timestamp: no cycle starts at or after it (the watch ends <see cref="WatchEnd.Due"/>).</param>
    /// <param name="tryBegin">
    /// Before each cycle's write: takes the line for one exchange and returns the Stopwatch timestamp before which
    /// nothing may be written (the line's quiet time), or -1 when the line is busy or someone asked for it (the watch
    /// ends <see cref="WatchEnd.Interrupted"/> without writing).
    /// </param>
    /// <param name="unchangedDone">After each cycle whose reply was <paramref name="unchanged"/>: gives the line back.</param>
    public ExchangeWatch(ReadOnlyMemory<byte> unchanged, TimeSpan interval, long until, Func<long> tryBegin, Action<ExchangeOutcome> unchangedDone)
    {
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), "A watch needs an interval above zero.");
        Unchanged = unchanged;
        IntervalTicks = (long)(interval.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        Until = until;
        TryBegin = tryBegin;
        UnchangedDone = unchangedDone;
    }

    public ReadOnlyMemory<byte> Unchanged { get; }
    public long IntervalTicks { get; }
    public long Until { get; }
    internal Func<long> TryBegin { get; }
    internal Action<ExchangeOutcome> UnchangedDone { get; }

    /// <summary>Stopwatch timestamp of the current cycle (when it ended: of the cycle it did not start, or of the one that ended it).</summary>
    public long CycleAt { get; internal set; }

    /// <summary>True while a cycle holds the line (between a successful <c>tryBegin</c> and the end of its exchange).</summary>
    public bool Holding { get; internal set; }

    /// <summary>Cycles answered with the unchanged reply.</summary>
    public int UnchangedCycles { get; internal set; }

    public WatchEnd End { get; internal set; }

    internal bool Interrupted => _interrupted;

    /// <summary>Ends the watch before its next cycle (a running exchange finishes first); safe from any thread, any time.</summary>
    public void Interrupt()
    {
        _interrupted = true;
        Volatile.Read(ref _wake)?.Invoke();
    }

    internal void Attach(Action wake)
    {
        Volatile.Write(ref _wake, wake);
        // Interrupted before the port saw it: the reader looks at the flag before its first cycle anyway.
    }
}

/// <summary>How an <see cref="ExchangeWatch"/> ended.</summary>
public enum WatchEnd
{
    /// <summary>A reply other than the unchanged one, a timeout or garbage: the reply is in the buffer as for an exchange.</summary>
    Reply,
    /// <summary>The next cycle would start at or after <see cref="ExchangeWatch.Until"/>.</summary>
    Due,
    /// <summary>Interrupted, or the line was busy at a cycle's start; <see cref="ExchangeWatch.CycleAt"/> is the cycle not started.</summary>
    Interrupted,
}
