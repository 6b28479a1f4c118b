namespace Gateway.Configuration;

/// <summary><c>policy:</c> — when the protected UPS's battery will not last, the shutdown sequence starts.</summary>
public sealed record PolicyOptions
{
    /// <summary>The UPS device to watch (a MUST or NUT device). Null: the only UPS device, if there is exactly one.</summary>
    public string? Protect { get; init; }
    public TimeSpan OnBatteryDelay { get; init; } = TimeSpan.FromSeconds(5);
    public int LowBatteryPercent { get; init; } = 20;
    public TimeSpan CriticalRuntime { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Percent of charge per minute.</summary>
    public double CriticalDepletionRate { get; init; } = 15;
    public TimeSpan DepletionWindow { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan DepletionGrace { get; init; } = TimeSpan.FromSeconds(90);
    /// <summary>Zero = off.</summary>
    public TimeSpan MaxTimeOnBattery { get; init; } = TimeSpan.Zero;
    /// <summary>Polls without data while on battery before the failsafe trigger fires.</summary>
    public int StaleTolerance { get; init; } = 3;

    internal static PolicyOptions Bind(ConfigSection s) => new()
    {
        Protect = s.OptionalString("protect"),
        OnBatteryDelay = s.Duration("on_battery_delay", TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromHours(1)),
        LowBatteryPercent = s.Int("low_battery_percent", 20, 0, 100),
        CriticalRuntime = s.Duration("critical_runtime", TimeSpan.FromMinutes(10), TimeSpan.Zero, TimeSpan.FromHours(24)),
        CriticalDepletionRate = s.Double("critical_depletion_rate", 15, 0, 100),
        DepletionWindow = s.Duration("depletion_window", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10), TimeSpan.FromHours(2)),
        DepletionGrace = s.Duration("depletion_grace", TimeSpan.FromSeconds(90), TimeSpan.Zero, TimeSpan.FromHours(1)),
        MaxTimeOnBattery = s.Duration("max_time_on_battery", TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromDays(7)),
        StaleTolerance = s.Int("stale_tolerance", 3, 1, 1000),
    };
}
