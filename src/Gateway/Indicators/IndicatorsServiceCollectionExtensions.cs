using Gateway.Configuration;
using Gateway.Drivers.Gpio;
using Gateway.LiveApply;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Indicators;

public static class IndicatorsServiceCollectionExtensions
{
    /// <summary>The key of the <see cref="RebuiltService"/> that runs the <see cref="StatusIndicators"/>.</summary>
    public const string LiveKey = "gpio";

    /// <summary>
    /// Status LED and buzzer on GPIO (<c>gpio:</c> section); harmless without GPIO hardware. A change of the section
    /// releases the old pins and opens the new ones without a restart.
    /// </summary>
    public static IServiceCollection AddStatusIndicators(this IServiceCollection services, GatewayConfig config)
    {
        services.TryAddSingleton<GpioOpener>(GpioHardware.Open);
        services.AddSingleton<IndicatorStateReader>();
        services.AddKeyedSingleton(LiveKey, (sp, _) => new RebuiltService(LiveKey,
            change => change.Has("gpio"),
            next => new StatusIndicators(next.Gpio, sp.GetRequiredService<IndicatorStateReader>(), sp.GetRequiredService<GpioOpener>(),
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<StatusIndicators>>()),
            sp.GetRequiredService<LiveConfig>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Indicators")));
        // Not AddHostedService: it keeps one service per implementation type, and every rebuilt part is a RebuiltService.
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<RebuiltService>(LiveKey));
        services.AddSingleton<ILiveConfigTarget>(sp => sp.GetRequiredKeyedService<RebuiltService>(LiveKey));
        return services;
    }
}
