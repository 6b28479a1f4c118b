namespace Gateway.Drivers.Serial;

/// <summary>How to open and judge one serial port.</summary>
/// <param name="Port">The configured path, ideally <c>/dev/serial/by-id/…</c>; symlinks are resolved on every open.</param>
/// <param name="Timeout">How long to wait for a reply to one request.</param>
/// <param name="LostAfter">Consecutive failed requests (timeouts, corrupt replies) after which the link is Lost. One failure is a retry.</param>
public sealed record SerialSettings(
    string Port,
    int Baud = 9600,
    SerialParity Parity = SerialParity.None,
    int StopBits = 1,
    TimeSpan? Timeout = null,
    int LostAfter = 3)
{
    public TimeSpan ReplyTimeout => Timeout ?? TimeSpan.FromMilliseconds(500);

    /// <summary>Bits on the wire per character: start + 8 data + parity + stop.</summary>
    public int BitsPerCharacter => 1 + 8 + (Parity == SerialParity.None ? 0 : 1) + StopBits;

    /// <summary>Time one character takes on the wire at this baud rate.</summary>
    public TimeSpan CharacterTime => TimeSpan.FromSeconds((double)BitsPerCharacter / Baud);

    public static SerialParity ParseParity(string text) => text.ToLowerInvariant() switch
    {
        "none" or "n" => SerialParity.None,
        "even" or "e" => SerialParity.Even,
        "odd" or "o" => SerialParity.Odd,
        _ => throw new ArgumentException($"unknown parity '{text}' (none, even, odd)", nameof(text)),
    };

    public override string ToString() => $"{Port} {Baud} {(Parity switch { SerialParity.Even => 'E', SerialParity.Odd => 'O', _ => 'N' })}8{StopBits}";
}
