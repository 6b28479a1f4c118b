namespace Gateway.Configuration;

/// <summary><c>history:</c> — readings kept in SQLite for charts, written in batches to spare the SD card.</summary>
public sealed record HistoryOptions(bool Enabled, TimeSpan Interval, TimeSpan Retention, TimeSpan FlushInterval)
{
    internal static HistoryOptions Bind(ConfigSection s) => new(
        s.Bool("enabled", true),
        s.Duration("interval", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        s.Duration("retention", TimeSpan.FromDays(30), TimeSpan.FromHours(1), TimeSpan.FromDays(3650)),
        s.Duration("flush_interval", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)));
}
