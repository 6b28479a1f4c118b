using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.Readings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Web;

/// <summary>GET /api/health: version, uptime, each device's link state and each component's state. 503 when a device is Lost.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", (ReadingHub hub, StartInfo start, IEnumerable<IHealthContributor> contributors, StartupWarnings warnings) =>
        {
            var report = Build(hub, start, contributors, warnings);
            return Results.Json(report, WebJsonContext.Api.HealthReport, statusCode: report.Status == "down" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        });
        return app;
    }

    public static HealthReport Build(ReadingHub hub, StartInfo start, IEnumerable<IHealthContributor> contributors, StartupWarnings warnings)
    {
        var devices = hub.Snapshot()
            .Select(d => new DeviceHealth(d.DeviceId, d.Type, LinkName(d.Link), d.LinkSince, d.LinkReason, d.Latest?.LastSeen))
            .ToArray();
        var components = contributors.ToDictionary(c => c.Name, c => c.Check(), StringComparer.Ordinal);
        var status = hub.Snapshot().Any(d => d.Link == LinkState.Lost) ? "down"
            : hub.Snapshot().Any(d => d.Link != LinkState.Connected) || components.Values.Any(c => !c.Healthy) ? "degraded"
            : "ok";
        return new HealthReport(status, StartInfo.Version, Math.Round(start.Uptime.TotalSeconds, 3), start.StartedAt, devices, components, warnings.Items);
    }

    public static string LinkName(LinkState link) => link switch
    {
        LinkState.Connecting => "connecting",
        LinkState.Connected => "connected",
        LinkState.Stale => "stale",
        LinkState.Lost => "lost",
        _ => "unknown",
    };
}
