using Gateway.Drivers.Em340;

namespace Gateway.Configuration;

/// <summary><c>type: em340</c> — a Carlo Gavazzi EM340 meter over RS485 (Modbus RTU, 9600 8N1, address 1).</summary>
public sealed record Em340DeviceOptions : DeviceOptions, ISerialDeviceOptions
{
    protected override void WriteDeviceFingerprint(FingerprintWriter w)
    {
        w.Add("serial", Serial);
        w.Add("address", Address);
        w.Add("inter_request_delay", InterRequestDelay);
        w.Add("energy_interval", EnergyInterval);
    }

    public override string Type => "em340";
    public override bool IsUps => false;
    public required SerialPortOptions Serial { get; init; }
    public int Address { get; init; } = 1;
    /// <summary>Silence between two requests on the bus (the EM340 wants at least 40 ms).</summary>
    public TimeSpan InterRequestDelay { get; init; } = TimeSpan.FromMilliseconds(40);
    /// <summary>How often the energy counters and demand are read (0 or equal to <c>poll_interval</c>: every poll).</summary>
    public TimeSpan EnergyInterval { get; init; } = Em340Settings.DefaultEnergy;

    internal static Em340DeviceOptions Bind(ConfigSection s, string id)
    {
        var poll = s.Duration("poll_interval", Em340Settings.DefaultPoll, TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(10));
        // Unset, it is never below the poll interval (a slow poll_interval alone is not an error).
        var energyDefault = poll > Em340Settings.DefaultEnergy ? poll : Em340Settings.DefaultEnergy;
        var energy = s.Duration("energy_interval", energyDefault, TimeSpan.Zero, TimeSpan.FromHours(1));
        if (energy > TimeSpan.Zero && energy < poll)
        {
            s.Error("energy_interval", $"must be at least poll_interval ({Duration.Format(poll)}), or 0 to read the energy counters every poll, "
                + $"got {Duration.Format(energy)}; raise it or lower poll_interval");
            energy = poll;
        }
        return new()
        {
            Id = id,
            Name = s.OptionalString("name"),
            Serial = SerialPortOptions.Bind(s, 9600, TimeSpan.FromMilliseconds(500)),
            Address = SerialPortOptions.BindAddress(s, 1),
            PollInterval = poll,
            InterRequestDelay = s.Duration("inter_request_delay", TimeSpan.FromMilliseconds(40), TimeSpan.Zero, TimeSpan.FromSeconds(2)),
            EnergyInterval = energy,
        };
    }
}
