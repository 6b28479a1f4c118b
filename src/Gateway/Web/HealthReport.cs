using Gateway.Hosting;

namespace Gateway.Web;

/// <summary>The body of GET /api/health.</summary>
/// <param name="Status">ok, degraded (a component or device is not well) or down (a configured device is Lost: HTTP 503).</param>
public sealed record HealthReport(
    string Status,
    string Version,
    double UptimeSeconds,
    DateTimeOffset StartedAt,
    IReadOnlyList<DeviceHealth> Devices,
    IReadOnlyDictionary<string, ComponentHealth> Components,
    IReadOnlyList<string> Warnings);

public sealed record DeviceHealth(string Id, string Type, string Link, DateTimeOffset Since, string? Reason, DateTimeOffset? LastReading);
