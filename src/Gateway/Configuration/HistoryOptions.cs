namespace Gateway.Configuration;

/// <summary>
/// <c>history:</c> — readings kept in SQLite for charts, in three tiers (RRD-style): every change at
/// <see cref="Interval"/> resolution for <see cref="RawRetention"/>, 1-minute avg/min/max for
/// <see cref="MinuteRetention"/>, 15-minute avg/min/max for <see cref="Retention"/>. Written in batches to spare
/// the SD card: a value that stays within <see cref="DeadbandPercent"/> of its last written value writes nothing,
/// except once per <see cref="Heartbeat"/>, so a gap in the data still means the gateway was not recording.
/// </summary>
public sealed record HistoryOptions(bool Enabled, TimeSpan Interval, TimeSpan Retention, TimeSpan FlushInterval) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("interval", Interval);
        w.Add("retention", Retention);
        w.Add("flush_interval", FlushInterval);
        w.Add("raw_retention", RawRetention);
        w.Add("minute_retention", MinuteRetention);
        w.Add("deadband_percent", DeadbandPercent);
        w.Add("heartbeat", Heartbeat);
    }

    public static readonly TimeSpan DefaultRawRetention = TimeSpan.FromDays(1);
    public static readonly TimeSpan DefaultMinuteRetention = TimeSpan.FromDays(30);

    public TimeSpan RawRetention { get; init; } = DefaultRawRetention;
    public TimeSpan MinuteRetention { get; init; } = DefaultMinuteRetention;
    public double DeadbandPercent { get; init; } = 1;
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromMinutes(15);

    internal static HistoryOptions Bind(ConfigSection s)
    {
        var retention = s.Duration("retention", TimeSpan.FromDays(730), TimeSpan.FromHours(1), TimeSpan.FromDays(3650));
        var minute = s.Duration("minute_retention", DefaultMinuteRetention, TimeSpan.FromHours(1), TimeSpan.FromDays(3650));
        var raw = s.Duration("raw_retention", DefaultRawRetention, TimeSpan.FromHours(1), TimeSpan.FromDays(3650));
        if (minute > retention) s.Error("minute_retention", $"is {minute.TotalDays:0.##} days, longer than history.retention ({retention.TotalDays:0.##} days); make it at most that");
        if (raw > minute) s.Error("raw_retention", $"is {raw.TotalDays:0.##} days, longer than history.minute_retention ({minute.TotalDays:0.##} days); make it at most that");
        return new HistoryOptions(
            s.Bool("enabled", true),
            s.Duration("interval", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            retention,
            s.Duration("flush_interval", TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)))
        {
            RawRetention = raw,
            MinuteRetention = minute,
            DeadbandPercent = s.Double("deadband_percent", 1, 0, 100),
            Heartbeat = s.Duration("heartbeat", TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1), TimeSpan.FromHours(24)),
        };
    }
}
