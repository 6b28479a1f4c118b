using Gateway.Drivers.Serial;

namespace Gateway.Drivers.Modbus;

/// <summary>The timing rules of one RTU line.</summary>
/// <param name="ReplyTimeout">How long to wait for a complete reply.</param>
/// <param name="InterFrameSilence">The 3.5-character silence that separates frames (fixed 1.75 ms above 19200 baud).</param>
/// <param name="InterRequestDelay">Extra quiet time before the next request (the EM340 wants ≥ 40 ms).</param>
public sealed record ModbusTiming(TimeSpan ReplyTimeout, TimeSpan InterFrameSilence, TimeSpan InterRequestDelay)
{
    public static ModbusTiming For(SerialSettings serial, TimeSpan interRequestDelay) =>
        new(serial.ReplyTimeout, SilenceFor(serial), interRequestDelay);

    public static TimeSpan SilenceFor(SerialSettings serial) =>
        serial.Baud > 19200 ? TimeSpan.FromMicroseconds(1750) : serial.CharacterTime * 3.5;

    /// <summary>The quiet time enforced between the end of one exchange and the next request.</summary>
    public TimeSpan Gap => InterRequestDelay > InterFrameSilence ? InterRequestDelay : InterFrameSilence;
}
