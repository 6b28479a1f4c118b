namespace Gateway.Configuration;

/// <summary><c>policy:</c> — when the protected UPS's battery will not last, the shutdown sequence starts.</summary>
public sealed record PolicyOptions : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("protect", Protect);
        w.Add("on_battery_delay", OnBatteryDelay);
        w.Add("low_battery_percent", LowBatteryPercent);
        w.Add("critical_runtime", CriticalRuntime);
        w.Add("critical_depletion_rate", CriticalDepletionRate);
        w.Add("depletion_window", DepletionWindow);
        w.Add("depletion_grace", DepletionGrace);
        w.Add("max_time_on_battery", MaxTimeOnBattery);
        w.Add("stale_tolerance", StaleTolerance);
        w.Add("link_lost_after", LinkLostAfter);
        w.Add("power_back_readings", PowerBackReadings);
        w.Add("trigger_readings", TriggerReadings);
    }

    /// <summary>The UPS device to watch (a MUST or NUT device). Null: the only UPS device, if there is exactly one.</summary>
    public string? Protect { get; init; }
    public TimeSpan OnBatteryDelay { get; init; } = TimeSpan.FromSeconds(5);
    public int LowBatteryPercent { get; init; } = 20;
    public TimeSpan CriticalRuntime { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Percent of charge per minute.</summary>
    public double CriticalDepletionRate { get; init; } = 15;
    public TimeSpan DepletionWindow { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan DepletionGrace { get; init; } = TimeSpan.FromSeconds(90);
    /// <summary>Zero = off. The safety net for an aged battery that collapses without warning.</summary>
    public TimeSpan MaxTimeOnBattery { get; init; } = DefaultMaxTimeOnBattery;
    /// <summary>Polls without data while on battery before the failsafe trigger fires (never sooner than <see cref="LinkLostAfter"/>).</summary>
    public int StaleTolerance { get; init; } = 3;
    /// <summary>
    /// The least time without data from a UPS on battery before the failsafe fires: long enough for the serial
    /// backoff (2 s, ×1.5) to try seven reconnects, so an adapter that resets when the mains blinks is not a shutdown.
    /// </summary>
    public TimeSpan LinkLostAfter { get; init; } = DefaultLinkLostAfter;
    /// <summary>Consecutive fresh OL readings that end a confirmed outage (one glitched frame never cancels a shutdown).</summary>
    public int PowerBackReadings { get; init; } = 3;
    /// <summary>Consecutive fresh readings that must show a trigger's condition before it fires (one glitched frame never fires).</summary>
    public int TriggerReadings { get; init; } = 3;

    public static readonly TimeSpan DefaultMaxTimeOnBattery = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan DefaultLinkLostAfter = TimeSpan.FromSeconds(90);

    internal static PolicyOptions Bind(ConfigSection s) => new()
    {
        Protect = s.OptionalString("protect"),
        OnBatteryDelay = s.Duration("on_battery_delay", TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromHours(1)),
        LowBatteryPercent = s.Int("low_battery_percent", 20, 0, 100),
        CriticalRuntime = s.Duration("critical_runtime", TimeSpan.FromMinutes(10), TimeSpan.Zero, TimeSpan.FromHours(24)),
        CriticalDepletionRate = s.Double("critical_depletion_rate", 15, 0, 100),
        DepletionWindow = s.Duration("depletion_window", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10), TimeSpan.FromHours(2)),
        DepletionGrace = s.Duration("depletion_grace", TimeSpan.FromSeconds(90), TimeSpan.Zero, TimeSpan.FromHours(1)),
        MaxTimeOnBattery = s.Duration("max_time_on_battery", DefaultMaxTimeOnBattery, TimeSpan.Zero, TimeSpan.FromDays(7)),
        StaleTolerance = s.Int("stale_tolerance", 3, 1, 1000),
        LinkLostAfter = s.Duration("link_lost_after", DefaultLinkLostAfter, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        PowerBackReadings = s.Int("power_back_readings", 3, 1, 100),
        TriggerReadings = s.Int("trigger_readings", 3, 1, 100),
    };
}
