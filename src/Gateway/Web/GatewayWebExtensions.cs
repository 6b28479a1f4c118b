using Gateway.Configuration;
using Gateway.Drivers.Modbus;
using Gateway.Setup;
using Gateway.Web.Alarms;
using Gateway.Web.Dashboard;
using Gateway.Web.Metrics;
using Gateway.Web.Settings;
using Gateway.Web.SignIn;
using Gateway.Web.Setup;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Gateway.Web;

/// <summary>Registers the web outputs and the alarms, and maps the API, /metrics and the dashboard.</summary>
public static class GatewayWebExtensions
{
    /// <summary>Alarms run with or without the web server (their events feed MQTT and notifications too).</summary>
    public static IServiceCollection AddGatewayWeb(this IServiceCollection services, GatewayConfig config)
    {
        services.TryAddSingleton<AlarmMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<AlarmMonitor>());
        if (!config.Web.Enabled) return services;
        services.TryAddSingleton<SessionStore>();
        services.TryAddSingleton(sp => new AdminPassword(sp.GetRequiredService<GatewayConfig>()));
        services.TryAddSingleton(sp => new SetupCode(sp.GetRequiredService<GatewayConfig>()));
        services.AddHostedService<SetupCodeIssuer>();
        services.TryAddSingleton<SettingsStore>();
        services.TryAddSingleton<ApiAccess>();
        services.TryAddSingleton<RehearsalLock>();
        services.TryAddSingleton<PrometheusExporter>();
        services.TryAddSingleton<DashboardAssets>();
        services.TryAddSingleton<HistoryReader>();
        services.TryAddSingleton<LiveStreamBroadcaster>();
        services.TryAddSingleton(_ => new SerialPortCatalog());
        services.TryAddSingleton(sp => new SerialProbe(sp.GetRequiredService<SerialPortCatalog>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SerialProbe>>(), sp.GetService<ModbusBuses>()));
        services.TryAddSingleton<SshHostCheck>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveStreamBroadcaster>());
        return services;
    }

    /// <summary>Everything but /api/health (mapped by the host itself).</summary>
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder app)
    {
        app.MapApi();
        app.MapSessions();
        app.MapConfigApi();
        app.MapOutages();
        app.MapSetupTools();
        app.MapImport();
        app.MapGet("/metrics", (HttpContext ctx) =>
        {
            var s = ctx.RequestServices;
            if (s.GetRequiredService<ApiAccess>().CheckRead(ctx) is { } denied) return denied;
            return Results.Text(s.GetRequiredService<PrometheusExporter>().Render(), Metrics.PrometheusText.ContentType);
        });
        app.MapDashboard();
        app.MapSettingsPages();
        return app;
    }
}
