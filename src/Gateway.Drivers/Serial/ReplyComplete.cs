namespace Gateway.Drivers.Serial;

/// <summary>Whether the bytes received so far hold a whole reply (or a reply that is wrong for good); called on the port's reader thread.</summary>
public delegate bool ReplyComplete(ReadOnlySpan<byte> received);
