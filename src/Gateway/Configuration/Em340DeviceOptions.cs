namespace Gateway.Configuration;

/// <summary><c>type: em340</c> — a Carlo Gavazzi EM340 meter over RS485 (Modbus RTU, 9600 8N1, address 1).</summary>
public sealed record Em340DeviceOptions : DeviceOptions, ISerialDeviceOptions
{
    protected override void WriteDeviceFingerprint(FingerprintWriter w)
    {
        w.Add("serial", Serial);
        w.Add("address", Address);
        w.Add("inter_request_delay", InterRequestDelay);
    }

    public override string Type => "em340";
    public override bool IsUps => false;
    public required SerialPortOptions Serial { get; init; }
    public int Address { get; init; } = 1;
    /// <summary>Silence between two requests on the bus (the EM340 wants at least 40 ms).</summary>
    public TimeSpan InterRequestDelay { get; init; } = TimeSpan.FromMilliseconds(40);

    internal static Em340DeviceOptions Bind(ConfigSection s, string id) => new()
    {
        Id = id,
        Name = s.OptionalString("name"),
        Serial = SerialPortOptions.Bind(s, 9600, TimeSpan.FromMilliseconds(500)),
        Address = SerialPortOptions.BindAddress(s, 1),
        PollInterval = s.Duration("poll_interval", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(10)),
        InterRequestDelay = s.Duration("inter_request_delay", TimeSpan.FromMilliseconds(40), TimeSpan.Zero, TimeSpan.FromSeconds(2)),
    };
}
