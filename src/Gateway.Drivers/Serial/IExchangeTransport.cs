namespace Gateway.Drivers.Serial;

/// <summary>
/// A transport that runs a whole request/response on its own reader thread: keeps the line quiet, drops stale
/// input, writes the request and collects the reply until it is complete or its deadline passes, with the kernel's
/// poll() timeout as the only clock (no timer, no thread hand-off per step). The waits are on the system clock, so
/// a caller on a virtual clock uses the plain reads instead.
/// </summary>
public interface IExchangeTransport
{
    /// <param name="request">The frame to write.</param>
    /// <param name="quiet">How long to keep the line quiet before writing (zero: write at once).</param>
    /// <param name="timeout">How long to wait for the reply after writing.</param>
    /// <param name="reply">Where the reply goes; the exchange ends when it is full.</param>
    /// <param name="complete">Called after each chunk; true ends the exchange.</param>
    /// <exception cref="IOException">The device failed or was closed.</exception>
    Task<ExchangeOutcome> ExchangeAsync(ReadOnlyMemory<byte> request, TimeSpan quiet, TimeSpan timeout, Memory<byte> reply, ReplyComplete complete, CancellationToken cancellationToken);

    /// <summary>
    /// Repeats <paramref name="request"/> on the reader thread, one cycle every <see cref="ExchangeWatch.IntervalTicks"/>,
    /// while each reply is exactly <see cref="ExchangeWatch.Unchanged"/>; completes when a reply differs, times out or is
    /// garbage (<see cref="WatchEnd.Reply"/>: the outcome is that exchange's, as from <see cref="ExchangeAsync"/>), when the
    /// next cycle would start at or after <see cref="ExchangeWatch.Until"/> (<see cref="WatchEnd.Due"/>), or when it is
    /// interrupted or the line is busy (<see cref="WatchEnd.Interrupted"/>). The first cycle starts at once on the line
    /// the caller holds (after <paramref name="quiet"/>); the port runs one exchange or watch at a time, so whoever else
    /// needs the port first ends the watch (<see cref="ExchangeWatch.Interrupt"/>) and waits for it.
    /// </summary>
    /// <exception cref="IOException">The device failed or was closed.</exception>
    Task<ExchangeOutcome> WatchAsync(ReadOnlyMemory<byte> request, ExchangeWatch watch, TimeSpan quiet, TimeSpan timeout, Memory<byte> reply, ReplyComplete complete,
        CancellationToken cancellationToken);

    /// <summary>
    /// Completes after <paramref name="delay"/> as a poll() timeout of the reader thread, and the caller goes on on that
    /// thread: a poll loop that waits here and then exchanges runs entirely on the port's thread, without a timer or a
    /// thread-pool hand-off. Fails with the port's <see cref="IOException"/> when the port ends (device gone, closed)
    /// before or during the wait: a loop woken early must not take it for its next turn.
    /// </summary>
    Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken);
}
