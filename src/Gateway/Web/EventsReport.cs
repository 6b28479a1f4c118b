namespace Gateway.Web;

/// <summary>The body of GET /api/events: newest first.</summary>
/// <param name="Source">"history" (the persistent event log) or "memory" (the last events since start, when there is no history store).</param>
public sealed record EventsReport(string Source, IReadOnlyList<EventView> Events);
