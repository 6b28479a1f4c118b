using Gateway.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Gateway.Hosting;

/// <summary>
/// Console logging that journald reads well: under systemd (JOURNAL_STREAM set) one line per message with a
/// syslog priority prefix and no timestamp (journald adds its own); otherwise one line with a timestamp.
/// </summary>
public static class LoggingSetup
{
    public static bool UnderJournald => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM"));

    public static void Configure(ILoggingBuilder logging, LoggingOptions options)
    {
        logging.ClearProviders();
        var format = options.Format == "auto" ? (UnderJournald ? "systemd" : "simple") : options.Format;
        switch (format)
        {
            case "json":
                logging.AddJsonConsole(o => { o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; o.UseUtcTimestamp = true; });
                break;
            case "systemd":
                logging.AddSystemdConsole(o => { o.IncludeScopes = false; });
                break;
            default:
                logging.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss.fff ";
                    o.ColorBehavior = LoggerColorBehavior.Disabled;
                });
                break;
        }
        // Everything to stderr? No: journald and pipes read stdout; keep errors there too, one stream, in order.
        logging.AddFilter((category, level) => level >= ParseLevel(options.Level)
            && !(category is not null && category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && level < LogLevel.Warning));
    }

    public static LogLevel ParseLevel(string level) => level switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" => LogLevel.Critical,
        _ => LogLevel.Information,
    };
}
