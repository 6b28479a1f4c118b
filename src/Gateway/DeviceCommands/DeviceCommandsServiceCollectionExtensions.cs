using Gateway.Configuration;
using Gateway.Readings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.DeviceCommands;

/// <summary>Registers the command gate every command path goes through.</summary>
public static class DeviceCommandsServiceCollectionExtensions
{
    public static IServiceCollection AddDeviceCommands(this IServiceCollection services, GatewayConfig config)
    {
        services.AddSingleton<CommandRefusalLog>();
        services.AddSingleton(sp => new DeviceCommandGate(config.Devices, sp.GetRequiredService<DeviceDirectory>(), sp.GetRequiredService<ReadingHub>(),
            sp.GetRequiredService<CommandRefusalLog>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DeviceCommandGate>>()));
        return services;
    }
}
