using Gateway.LiveApply;
using Gateway.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Web;

/// <summary>GET /api/config/status (a read: open unless <c>web.auth_reads</c>).</summary>
public static class ConfigStatusEndpoints
{
    public static IEndpointRouteBuilder MapConfigStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/config/status", (HttpContext ctx) =>
        {
            var s = ctx.RequestServices;
            if (s.GetRequiredService<ApiAccess>().CheckRead(ctx) is { } denied) return denied;
            return SerializedJsonResult.Of(Build(s.GetRequiredService<ConfigStatus>(), s.GetService<PolicyRunner>()), ConfigStatusJsonContext.Default.ConfigStatusReport);
        });
        return app;
    }

    public static ConfigStatusReport Build(ConfigStatus status, PolicyRunner? policy)
    {
        var pending = status.Restart.Pending;
        return new ConfigStatusReport(status.Live.Current.SourcePath, status.Live.Version, status.LastAppliedAt, status.LastApplied,
            pending.Count > 0, pending, status.Restart.Automatic, policy?.SettingsPending ?? false, status.FileProblems);
    }
}
