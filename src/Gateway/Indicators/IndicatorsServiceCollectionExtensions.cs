using Gateway.Configuration;
using Gateway.Drivers.Gpio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Indicators;

public static class IndicatorsServiceCollectionExtensions
{
    /// <summary>Status LED and buzzer on GPIO (<c>gpio:</c> section); harmless without GPIO hardware.</summary>
    public static IServiceCollection AddStatusIndicators(this IServiceCollection services, GatewayConfig config)
    {
        services.AddSingleton(config.Gpio);
        services.TryAddSingleton<GpioOpener>(GpioHardware.Open);
        services.AddSingleton<IndicatorStateReader>();
        services.AddSingleton<StatusIndicators>();
        services.AddHostedService(sp => sp.GetRequiredService<StatusIndicators>());
        return services;
    }
}
