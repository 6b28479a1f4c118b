namespace Gateway.Web;

/// <summary>One message of the dashboard's live stream (GET /api/stream): everything a card shows.</summary>
public sealed record DashboardState(DateTimeOffset ServerTime, TelemetryReport Telemetry, PolicyReport Policy);
