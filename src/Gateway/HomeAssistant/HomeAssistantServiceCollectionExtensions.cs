using Gateway.Configuration;
using Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.HomeAssistant;

public static class HomeAssistantServiceCollectionExtensions
{
    /// <summary>Whether the built-in broker runs: as configured, else on in --simulate when no broker host is set.</summary>
    public static bool EmbeddedBrokerEnabled(MqttOptions o, RunOptions run) => o.EmbeddedBroker ?? (run.Simulate && o.Host is null);

    /// <summary>Registers the MQTT session, the Home Assistant bridge, the built-in broker and the "mqtt" health entry.</summary>
    public static IServiceCollection AddHomeAssistant(this IServiceCollection services, GatewayConfig config, RunOptions run)
    {
        var o = config.Mqtt;
        var embedded = EmbeddedBrokerEnabled(o, run);
        if (!(o.Enabled || embedded) || (o.Host is null && !embedded))
        {
            services.AddSingleton<IHealthContributor, DisabledMqttHealth>();
            return services;
        }
        if (embedded)
        {
            services.AddSingleton(sp => new EmbeddedMqttBroker(o, sp.GetRequiredService<ILogger<EmbeddedMqttBroker>>()));
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedMqttBroker>());
        }
        services.AddSingleton(sp => new MqttSession(o,
            o.Host ?? "127.0.0.1",
            o.Host is null ? o.EmbeddedPort : o.Port,
            new MqttOutbox(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.HomeAssistant.Mqtt")));
        services.AddSingleton<IHealthContributor>(sp => sp.GetRequiredService<MqttSession>());
        services.AddSingleton<HomeAssistant.HomeAssistantBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<HomeAssistantBridge>());
        return services;
    }
}
