namespace Gateway.Drivers.Readings;

/// <summary>The standard NUT <c>ups.status</c> flags. Only these are ever published.</summary>
[Flags]
public enum UpsStatusFlags
{
    None = 0,
    /// <summary>On line power.</summary>
    OL = 1 << 0,
    /// <summary>On battery.</summary>
    OB = 1 << 1,
    /// <summary>Low battery.</summary>
    LB = 1 << 2,
    /// <summary>High battery.</summary>
    HB = 1 << 3,
    /// <summary>Replace battery.</summary>
    RB = 1 << 4,
    CHRG = 1 << 5,
    DISCHRG = 1 << 6,
    BYPASS = 1 << 7,
    /// <summary>Calibration / self-test.</summary>
    CAL = 1 << 8,
    /// <summary>Load not powered.</summary>
    OFF = 1 << 9,
    /// <summary>Overload.</summary>
    OVER = 1 << 10,
    TRIM = 1 << 11,
    BOOST = 1 << 12,
    /// <summary>Forced shutdown (set by upsd or an upstream primary).</summary>
    FSD = 1 << 13,
    /// <summary>Set when <c>ups.alarm</c> is not empty.</summary>
    ALARM = 1 << 14,
}
