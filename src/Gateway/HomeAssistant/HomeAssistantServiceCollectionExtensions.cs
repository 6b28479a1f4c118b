using Gateway.Configuration;
using Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.HomeAssistant;

public static class HomeAssistantServiceCollectionExtensions
{
    /// <summary>Whether the built-in broker runs: as configured, else on in --simulate when no broker host is set.</summary>
    public static bool EmbeddedBrokerEnabled(MqttOptions o, RunOptions run) => o.EmbeddedBroker ?? (run.Simulate && o.Host is null);

    private static string EmbeddedBrokerAddress(MqttOptions o) =>
        System.Net.IPAddress.TryParse(o.EmbeddedListen, out var a) && !a.Equals(System.Net.IPAddress.Any) && !a.Equals(System.Net.IPAddress.IPv6Any) ? o.EmbeddedListen : "127.0.0.1";

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
            services.AddSingleton(sp => EmbeddedBrokerCredentials.Resolve(o, config.Gateway.DataDir, run.Simulate, sp.GetRequiredService<ILogger<EmbeddedMqttBroker>>()));
            services.AddSingleton(sp => new EmbeddedMqttBroker(config, sp.GetRequiredService<EmbeddedBrokerCredentials>(), sp.GetRequiredService<ILogger<EmbeddedMqttBroker>>()));
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedMqttBroker>());
        }
        services.AddSingleton(sp => new MqttSession(
            // Talking to the built-in broker: with its login, at the address it binds (127.0.0.1 when it binds every address).
            o.Host is null && sp.GetRequiredService<EmbeddedBrokerCredentials>() is { Required: true } login ? o with { Username = login.Username, Password = login.Password } : o,
            o.Host ?? EmbeddedBrokerAddress(o),
            o.Host is null ? o.EmbeddedPort : o.Port,
            new MqttOutbox(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.HomeAssistant.Mqtt")));
        services.AddSingleton<IHealthContributor>(sp => sp.GetRequiredService<MqttSession>());
        services.AddSingleton<HomeAssistant.HomeAssistantBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<HomeAssistantBridge>());
        if (o.CompatMustMonitor.Enabled && MustMonitorCompatPublisher.DeviceFor(config) is { } compatDevice)
            services.AddHostedService(sp => new MustMonitorCompatPublisher(o.CompatMustMonitor, compatDevice, sp.GetRequiredService<MqttSession>(),
                sp.GetRequiredService<Readings.ReadingHub>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.HomeAssistant.CompatMustMonitor")));
        return services;
    }
}
