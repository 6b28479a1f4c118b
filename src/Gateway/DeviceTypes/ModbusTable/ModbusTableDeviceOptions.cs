using Gateway.Configuration;

namespace Gateway.DeviceTypes.ModbusTable;

/// <summary><c>type: modbus</c> — a Modbus RTU device whose registers are declared in the configuration, one row per value.</summary>
public sealed record ModbusTableDeviceOptions : DeviceOptions, ISerialDeviceOptions
{
    protected override void WriteDeviceFingerprint(FingerprintWriter w)
    {
        w.Add("serial", Serial);
        w.Add("address", Address);
        w.Add("inter_request_delay", InterRequestDelay);
        w.Add("max_registers_per_read", MaxRegistersPerRead);
        w.Add("max_gap", MaxGap);
        w.Add("manufacturer", Manufacturer);
        w.Add("model", Model);
        w.Add("registers", Registers);
    }

    public override string Type => ModbusTableDeviceType.Name;
    public override bool IsUps => false;
    public required SerialPortOptions Serial { get; init; }
    public int Address { get; init; } = 1;
    public TimeSpan InterRequestDelay { get; init; }
    /// <summary>The most registers the device answers in one read.</summary>
    public int MaxRegistersPerRead { get; init; } = 125;
    /// <summary>The most undeclared registers one read may bridge (0: read only declared registers).</summary>
    public int MaxGap { get; init; }
    public string? Manufacturer { get; init; }
    public string? Model { get; init; }
    public required IReadOnlyList<ModbusRegisterOptions> Registers { get; init; }

    internal static ModbusTableDeviceOptions? Bind(ConfigSection s, string id)
    {
        var registers = ModbusRegisterBinder.Bind(s);
        return new ModbusTableDeviceOptions
        {
            Id = id,
            Name = s.OptionalString("name"),
            Serial = SerialPortOptions.Bind(s, 9600, TimeSpan.FromMilliseconds(500)),
            Address = SerialPortOptions.BindAddress(s, 1),
            PollInterval = s.Duration("poll_interval", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(10)),
            InterRequestDelay = s.Duration("inter_request_delay", TimeSpan.FromMilliseconds(20), TimeSpan.Zero, TimeSpan.FromSeconds(2)),
            MaxRegistersPerRead = s.Int("max_registers_per_read", 125, 2, 125),
            MaxGap = s.Int("max_gap", 0, 0, 123),
            Manufacturer = s.OptionalString("manufacturer"),
            Model = s.OptionalString("model"),
            Registers = registers,
        };
    }
}
