namespace Gateway.Drivers.Serial;

/// <summary>How one <see cref="IExchangeTransport.ExchangeAsync"/> ended.</summary>
/// <param name="Received">Bytes received into the buffer after the request was written.</param>
/// <param name="TimedOut">The reply deadline passed before the reply was complete.</param>
/// <param name="Stale">Bytes that were waiting before the request and were dropped.</param>
public readonly record struct ExchangeOutcome(int Received, bool TimedOut, int Stale);
