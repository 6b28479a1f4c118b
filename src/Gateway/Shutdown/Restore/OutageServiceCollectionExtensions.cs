using Gateway.Battery;
using Gateway.Configuration;
using Gateway.Readings;
using Gateway.Shutdown.Shedding;
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
        services.AddSingleton(sp => new BatteryHealthStore(config.Gateway.DataDir, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Battery")));
        services.AddSingleton(sp => new OutageRecorder(ups, config.Policy.OnBatteryDelay, sp.GetRequiredService<ReadingHub>(), sp.GetRequiredService<EventBus>(),
            new OutageRecordStore(config.Gateway.DataDir), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Outage"),
            sp.GetRequiredService<BatteryHealthStore>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<OutageRecorder>());
        if (ups is null) return services;
        services.AddSingleton(sp => new PowerRestorer(config.Shutdown.Restore, ups, sp.GetRequiredService<ReadingHub>(), sp.GetRequiredService<OutageRecorder>(),
            sp.GetRequiredService<ICommandExecutor>(), sp.GetRequiredService<EventBus>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Restore"),
            PrivilegedHelper.Use(config.Shutdown.Privileges), config.Shutdown.Vms.Uri));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<PowerRestorer>());
        if (config.Shutdown.Shedding.Count == 0) return services;
        services.AddSingleton(sp => new LoadShedder(config.Shutdown, config.Policy.OnBatteryDelay, ups, sp.GetRequiredService<ReadingHub>(),
            sp.GetRequiredService<OutageRecorder>(), sp.GetRequiredService<ICommandExecutor>(), sp.GetRequiredService<EventBus>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Shedding")));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<LoadShedder>());
        return services;
    }

    /// <summary>The final sequence's SSH steps skip hosts a shedding stage already shut down.</summary>
    public static IReadOnlyList<IShutdownStep> WrapForShedding(IServiceProvider sp, IReadOnlyList<IShutdownStep> steps) =>
        sp.GetService<LoadShedder>() is { } shedder ? shedder.Wrap(steps) : steps;
}
