using Gateway.Configuration;
using Gateway.DeviceCommands;
using Gateway.Hosting;
using Gateway.Hotplug;
using Gateway.Shutdown;
using Gateway.Readings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.NutServer;

/// <summary>Registers the NUT server (and its IFsdSignal) on the host.</summary>
public static class NutServerServiceCollectionExtensions
{
    public static IServiceCollection AddNutServer(this IServiceCollection services, GatewayConfig config)
    {
        var options = config.NutServer;
        services.AddSingleton(NutUpsCatalog.FromConfig(config));
        services.AddSingleton(new NutUserDirectory(options.Users));
        services.AddSingleton<NutLoginRegistry>();
        services.AddSingleton<NutFsdLatch>();
        services.AddSingleton<IFsdSignal>(sp => sp.GetRequiredService<NutFsdLatch>());
        services.AddSingleton<NutServerStatus>();
        services.AddSingleton<IHealthContributor, NutServerHealth>();
        services.AddSingleton(sp => new NutRequestHandler(
            sp.GetRequiredService<NutUpsCatalog>(), sp.GetRequiredService<ReadingHub>(), sp.GetRequiredService<DeviceCommandGate>(),
            sp.GetRequiredService<NutUserDirectory>(), sp.GetRequiredService<NutLoginRegistry>(), sp.GetRequiredService<NutFsdLatch>(),
            NutDescriptions.Load(), sp.GetRequiredService<TimeProvider>(), options.MaxAge,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.NutServer")));
        services.AddSingleton(sp => new NutTcpServer(options, sp.GetRequiredService<NutRequestHandler>(), sp.GetRequiredService<NutLoginRegistry>(),
            sp.GetRequiredService<NutServerStatus>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<NutTcpServer>>()));
        services.AddHostedService(sp => sp.GetRequiredService<NutTcpServer>());

        var hotplug = options.UsbHotplug;
        if (hotplug.Enabled)
        {
            services.AddHostedService(sp => new UsbHotplugWatcher(hotplug,
                new NutDriverControl(hotplug.DriverControl, sp.GetRequiredService<ICommandExecutor>(), sp.GetRequiredService<ILogger<NutDriverControl>>()),
                sp.GetRequiredService<ReadingHub>(), UsbHotplugWatcher.DevicesReading(config, hotplug.Name), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Hotplug"), sp.GetRequiredService<ICommandExecutor>()));
        }
        return services;
    }
}
