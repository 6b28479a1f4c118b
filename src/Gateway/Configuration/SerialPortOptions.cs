using Gateway.Drivers.Serial;

namespace Gateway.Configuration;

/// <summary>The serial-port keys shared by Modbus RTU devices (<c>type: must</c>, <c>em340</c>, <c>modbus</c>).</summary>
public sealed record SerialPortOptions(
    string Port,
    int Baud,
    string Parity,
    int StopBits,
    TimeSpan Timeout,
    int LostAfter) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("port", Port);
        w.Add("baud", Baud);
        w.Add("parity", Parity);
        w.Add("stop_bits", StopBits);
        w.Add("timeout", Timeout);
        w.Add("lost_after", LostAfter);
    }

    /// <summary>The driver's view of these keys.</summary>
    public SerialSettings ToSettings() => new(Port, Baud, SerialSettings.ParseParity(Parity), StopBits, Timeout, LostAfter);

    /// <summary>Whether two devices on this port may share the wire: the same baud, parity and stop bits.</summary>
    public bool SameLineSettings(SerialPortOptions other) => Baud == other.Baud && Parity == other.Parity && StopBits == other.StopBits;

    public string LineSettings => $"{Baud} baud, parity {Parity}, {StopBits} stop bit{(StopBits == 1 ? "" : "s")}";

    public static readonly int[] Bauds = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

    /// <summary>The Modbus address of a device: <c>address</c>, or the older <c>slave</c> (not both).</summary>
    internal static int BindAddress(ConfigSection s, int defaultAddress)
    {
        if (s.Has("address") && s.Has("slave"))
            s.Error("slave", "address and slave are the same setting (the Modbus address); keep address and remove slave");
        return s.Has("slave") && !s.Has("address") ? s.Int("slave", defaultAddress, 1, 247) : s.Int("address", defaultAddress, 1, 247);
    }

    internal static SerialPortOptions Bind(ConfigSection s, int defaultBaud, TimeSpan defaultTimeout)
    {
        var port = s.RequiredString("port");
        var baud = s.Int("baud", defaultBaud, 1200, 115200);
        if (Array.IndexOf(Bauds, baud) < 0)
        {
            s.Error("baud", $"must be one of {string.Join(", ", Bauds)}, got {baud}");
            baud = defaultBaud;
        }
        return new SerialPortOptions(
            port,
            baud,
            s.Choice("parity", "none", "none", "even", "odd"),
            s.Int("stop_bits", 1, 1, 2),
            s.Duration("timeout", defaultTimeout, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(10)),
            // A single timeout is a retry, not a disconnect: the link is Lost after this many failures in a row.
            s.Int("lost_after", 3, 1, 100));
    }
}
