namespace Gateway.Web;

/// <summary>The body of GET /api/telemetry.</summary>
public sealed record TelemetryReport(DateTimeOffset GeneratedAt, IReadOnlyList<DeviceTelemetry> Devices, IReadOnlyList<AlarmView> Alarms);
