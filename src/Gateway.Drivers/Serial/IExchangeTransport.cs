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
    /// Completes after <paramref name="delay"/> as a poll() timeout of the reader thread, and the caller goes on on that
    /// thread: a poll loop that waits here and then exchanges runs entirely on the port's thread, without a timer or a
    /// thread-pool hand-off. Fails with the port's <see cref="IOException"/> when the port ends (device gone, closed)
    /// before or during the wait: a loop woken early must not take it for its next turn.
    /// </summary>
    Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken);
}
