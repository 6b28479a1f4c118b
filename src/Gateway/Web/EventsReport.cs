using Gateway.Readings;

namespace Gateway.Web;

/// <summary>The body of GET /api/events: newest first.</summary>
/// <param name="Source">"history" (the persistent event log) or "memory" (the last events since start, when there is no history store).</param>
public sealed record EventsReport(string Source, IReadOnlyList<EventView> Events);

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
