namespace Gateway.Web;

/// <summary>
/// The body of <c>GET /api/outages/timeline</c>: the current or last outage as a timeline built from the event log
/// (falling back to the outage record's own steps when the log no longer has them), and the UPS's runtime estimate
/// over the outage from the history. <see cref="Outage"/> is false when no outage was ever recorded.
/// </summary>
/// <param name="Source">Where the entries come from: <c>events</c> (the event log) or <c>record</c> (the outage record).</param>
public sealed record OutageTimeline(
    bool Outage,
    bool Live,
    string? Device,
    DateTimeOffset? StartedAt,
    DateTimeOffset? PowerBackAt,
    DateTimeOffset? EndedAt,
    string? Trigger,
    string Source,
    IReadOnlyList<OutageTimelineEntry> Entries,
    IReadOnlyList<HistoryPointView> Runtime)
{
    public static OutageTimeline None { get; } = new(false, false, null, null, null, null, null, "events", [], []);
}
