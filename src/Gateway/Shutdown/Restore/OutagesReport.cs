namespace Gateway.Shutdown.Restore;

/// <summary>The body of <c>GET /api/outages</c>: the outage in progress and the last finished ones, newest first.</summary>
public sealed record OutagesReport(OutageRecord? Current, IReadOnlyList<OutageRecord> Recent);
