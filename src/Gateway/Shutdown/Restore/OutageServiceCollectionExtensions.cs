using Gateway.Configuration;
using Gateway.Readings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Shutdown.Restore;

/// <summary>Registers what follows an outage through to its end: the outage record and the power restore.</summary>
public static class OutageServiceCollectionExtensions
{
    public static IServiceCollection AddOutageLifecycle(this IServiceCollection services, GatewayConfig config)
    {
        var ups = config.ProtectedUps?.Id;
        services.AddSingleton(sp => new OutageRecorder(ups, config.Policy.OnBatteryDelay, sp.GetRequiredService<ReadingHub>(), sp.GetRequiredService<EventBus>(),
            new OutageRecordStore(config.Gateway.DataDir), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Outage")));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<OutageRecorder>());
        if (ups is null) return services;
        services.AddSingleton(sp => new PowerRestorer(config.Shutdown.Restore, ups, sp.GetRequiredService<ReadingHub>(), sp.GetRequiredService<OutageRecorder>(),
            sp.GetRequiredService<ICommandExecutor>(), sp.GetRequiredService<EventBus>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Restore")));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<PowerRestorer>());
        return services;
    }
}
