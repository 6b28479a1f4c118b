using Gateway.Configuration;
using Gateway.DeviceCommands;
using Gateway.Drivers.Devices;
using Gateway.Hosting;
using Gateway.NutServer;
using Gateway.Policy;
using Gateway.Readings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.LiveApply;

public static class LiveApplyServiceCollectionExtensions
{
    /// <summary>
    /// Registers live configuration: <see cref="LiveConfig"/>, the <see cref="IConfigApplier"/>, the targets of the
    /// devices, NUT users and policy (the MQTT, notification and GPIO parts register their own), the restart when
    /// needed, the status, and the watch on the config file and SIGHUP (not in demo mode, whose devices are not in a file).
    /// </summary>
    public static IServiceCollection AddLiveApply(this IServiceCollection services, GatewayConfig config, RunOptions run)
    {
        services.AddSingleton(new LiveConfig(config));
        services.AddSingleton(sp => new SelfRestart(sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<IPolicyStatusSource>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SelfRestart>>(), run.UnderSystemd));
        services.AddHostedService(sp => sp.GetRequiredService<SelfRestart>());
        services.AddSingleton<ConfigStatus>();
        services.AddSingleton<IHealthContributor>(sp => sp.GetRequiredService<ConfigStatus>());
        services.AddSingleton<IConfigApplier>(sp => new ConfigApplier(sp.GetRequiredService<LiveConfig>(), sp.GetServices<ILiveConfigTarget>(),
            sp.GetRequiredService<SelfRestart>(), sp.GetRequiredService<ConfigStatus>(), sp.GetRequiredService<ILogger<ConfigApplier>>(),
            run.Simulate ? next => DemoMode.ForDemo(next, sp.GetRequiredService<DemoSimulators>()) : null));

        services.AddSingleton<ILiveConfigTarget>(sp => new DevicesTarget(sp.GetRequiredService<DeviceRunner>(), sp.GetRequiredService<DeviceCommandGate>(),
            sp.GetRequiredService<RuntimeEstimator>(), sp.GetService<NutUpsCatalog>(),
            d => DeviceDriverFactory.Create(d, sp, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Devices")) ?? new UnavailableDriver(d.Id, DeviceDriverFactory.KindOf(d))));
        services.AddSingleton<ILiveConfigTarget>(sp => new NutUsersTarget(sp.GetRequiredService<NutUserDirectory>()));
        if (config.ProtectedUps is not null)
            services.AddSingleton<ILiveConfigTarget>(sp => new PolicyTarget(sp.GetRequiredService<PolicyRunner>(), sp.GetRequiredService<LiveConfig>()));

        if (!run.Simulate && config.SourcePath is { } path)
            services.AddHostedService(sp => new ConfigFileWatcher(path, run.Overrides, sp.GetRequiredService<IConfigApplier>(), sp.GetRequiredService<ConfigStatus>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ConfigFileWatcher>>()));
        return services;
    }
}
