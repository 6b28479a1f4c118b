using Gateway.Configuration;
using Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Storage;

public static class HistoryServiceCollectionExtensions
{
    /// <summary>
    /// History and event log in <c>&lt;data_dir&gt;/history.db</c>. With <c>history.enabled: false</c> no store is registered:
    /// the API then says history is off (503) and serves the event bus's recent events.
    /// </summary>
    public static IServiceCollection AddHistory(this IServiceCollection services, GatewayConfig config)
    {
        if (!config.History.Enabled) return services;
        services.AddSingleton(config.History);
        services.AddSingleton(sp => new SqliteHistoryStore(
            config.Gateway.DataDir,
            config.History,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Storage.History"),
            sp.GetRequiredService<StartupWarnings>().Add));
        services.AddSingleton<IHistoryStore>(sp => sp.GetRequiredService<SqliteHistoryStore>());
        services.AddSingleton<IHealthContributor, HistoryHealth>();
        services.AddHostedService<HistoryRecorder>();
        return services;
    }
}
