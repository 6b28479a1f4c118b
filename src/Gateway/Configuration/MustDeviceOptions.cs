namespace Gateway.Configuration;

/// <summary><c>type: must</c> — a MUST EP20 UPS over its USB-serial adapter (Modbus RTU, 9600 8N1, slave 10).</summary>
public sealed record MustDeviceOptions : DeviceOptions, ISerialDeviceOptions, IUpsDeviceOptions
{
    protected override void WriteDeviceFingerprint(FingerprintWriter w)
    {
        w.Add("serial", Serial);
        w.Add("slave", Slave);
        w.Add("status_interval", StatusInterval);
        w.Add("mains_poll_interval", MainsPollInterval);
        w.Add("slow_poll_interval", SlowPollInterval);
        w.Add("low_battery_percent", LowBatteryPercent);
        w.Add("nut_name", NutName);
        w.Add("runtime_cal", RuntimeCal);
    }

    public override string Type => "must";
    public override bool IsUps => true;
    public required SerialPortOptions Serial { get; init; }
    /// <summary>The Modbus address (<c>address</c>; the older key <c>slave</c> is still read).</summary>
    public int Slave { get; init; } = 10;
    int ISerialDeviceOptions.Address => Slave;
    /// <summary>How often the work state is read alone between full polls (0 = only full polls).</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>
    /// How often the full poll runs while the UPS is on mains with nothing wrong (0, or not longer than
    /// <c>poll_interval</c>: always at <c>poll_interval</c>). At most <see cref="MaxMainsPollInterval"/>.
    /// </summary>
    public TimeSpan MainsPollInterval { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>A reading on mains is then at most this old, well inside the NUT server's default <c>max_age</c> (15 s).</summary>
    public static readonly TimeSpan MaxMainsPollInterval = TimeSpan.FromSeconds(10);
    /// <summary>How often the slow block (31000–31017: nominal values, beeper setting) is read.</summary>
    public TimeSpan SlowPollInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>LB is set when the state of charge is at or below this (docs/reference/must.md: the NUT driver's default 15 %).</summary>
    public int LowBatteryPercent { get; init; } = 15;
    /// <summary>The name the NUT server serves this UPS under (default: the id).</summary>
    public required string NutName { get; init; }
    /// <summary>Estimates <c>battery.runtime</c> when the UPS does not report it (null: no estimate).</summary>
    public RuntimeCalibration? RuntimeCal { get; init; }

    internal static MustDeviceOptions Bind(ConfigSection s, string id) => new()
    {
        Id = id,
        Name = s.OptionalString("name"),
        Serial = SerialPortOptions.Bind(s, 9600, TimeSpan.FromMilliseconds(500)),
        Slave = SerialPortOptions.BindAddress(s, 10),
        StatusInterval = s.Duration("status_interval", TimeSpan.FromMilliseconds(250), TimeSpan.Zero, TimeSpan.FromMinutes(10)),
        PollInterval = s.Duration("poll_interval", TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(10)),
        MainsPollInterval = BindMainsPollInterval(s),
        SlowPollInterval = s.Duration("slow_poll_interval", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        LowBatteryPercent = s.Int("low_battery_percent", 15, 0, 100),
        NutName = s.String("nut_name", id),
        RuntimeCal = BindRuntimeCal(s, RuntimeCalibration.MustEp20Default),
    };

    private static TimeSpan BindMainsPollInterval(ConfigSection s)
    {
        var value = s.Duration("mains_poll_interval", TimeSpan.FromSeconds(2), TimeSpan.Zero);
        if (value <= MaxMainsPollInterval) return value;
        s.Error("mains_poll_interval", $"must be at most {Duration.Format(MaxMainsPollInterval)} (a reading taken on mains must stay younger than the NUT " +
            $"server's max_age), got {Duration.Format(value)}; use 0 to keep the full poll at poll_interval on mains too");
        return TimeSpan.FromSeconds(2);
    }
}
