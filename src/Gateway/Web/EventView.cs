using Gateway.Readings;

namespace Gateway.Web;

/// <summary>One event of the log as the API shows it.</summary>
public sealed record EventView(DateTimeOffset At, string Kind, string Severity, string Message, string? Device, IReadOnlyDictionary<string, string>? Data)
{
    public static EventView From(GatewayEvent e) => new(e.At, e.Kind, SeverityName(e.Severity), e.Message, e.DeviceId, e.Data);

    public static string SeverityName(EventSeverity s) => s switch
    {
        EventSeverity.Critical => "critical",
        EventSeverity.Warning => "warning",
        _ => "info",
    };
}
