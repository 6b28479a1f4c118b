using Gateway.Configuration;
using Gateway.DeviceCommands;
using Gateway.Hosting;
using Gateway.LiveApply;
using Gateway.Policy;
using Gateway.Readings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.HomeAssistant;

public static class HomeAssistantServiceCollectionExtensions
{
    /// <summary>The key of the <see cref="RebuiltService"/> that runs the MQTT session and the Home Assistant bridge.</summary>
    public const string LiveKey = "mqtt";

    /// <summary>Whether the built-in broker runs: as configured, else on in --simulate when no broker host is set.</summary>
    public static bool EmbeddedBrokerEnabled(MqttOptions o, RunOptions run) => o.EmbeddedBroker ?? (run.Simulate && o.Host is null);

    /// <summary>No broker host, or one that names the built-in broker on this machine (loopback at its port).</summary>
    private static bool TalksToBuiltInBroker(MqttOptions o) =>
        o.Host is null || (o.Port == o.EmbeddedPort && (o.Host is "localhost" || (System.Net.IPAddress.TryParse(o.Host, out var a) && System.Net.IPAddress.IsLoopback(a))));

    private static string EmbeddedBrokerAddress(MqttOptions o) =>
        System.Net.IPAddress.TryParse(o.EmbeddedListen, out var a) && !a.Equals(System.Net.IPAddress.Any) && !a.Equals(System.Net.IPAddress.IPv6Any) ? o.EmbeddedListen : "127.0.0.1";

    /// <summary>
    /// Registers the built-in broker (settings taken at start), and the MQTT session with the Home Assistant bridge as
    /// a <see cref="RebuiltService"/>: a change of <c>mqtt</c> or of the device list reconnects it with the new
    /// settings and republishes discovery (a removed device's entities are cleared through the discovery record).
    /// </summary>
    public static IServiceCollection AddHomeAssistant(this IServiceCollection services, GatewayConfig config, RunOptions run)
    {
        var embedded = EmbeddedBrokerEnabled(config.Mqtt, run);
        if (embedded)
        {
            services.AddSingleton(sp => EmbeddedBrokerCredentials.Resolve(config.Mqtt, config.Gateway.DataDir, run.Simulate, sp.GetRequiredService<ILogger<EmbeddedMqttBroker>>()));
            services.AddSingleton(sp => new EmbeddedMqttBroker(config, sp.GetRequiredService<EmbeddedBrokerCredentials>(), sp.GetRequiredService<ILogger<EmbeddedMqttBroker>>()));
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedMqttBroker>());
        }
        services.AddKeyedSingleton(LiveKey, (sp, _) => new RebuiltService(LiveKey,
            change => change.Has("mqtt") || change.Has("devices"),
            next => Build(sp, next, embedded),
            sp.GetRequiredService<LiveConfig>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.HomeAssistant")));
        // Not AddHostedService: it keeps one service per implementation type, and every rebuilt part is a RebuiltService.
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<RebuiltService>(LiveKey));
        services.AddSingleton<ILiveConfigTarget>(sp => sp.GetRequiredKeyedService<RebuiltService>(LiveKey));
        services.AddSingleton<IHealthContributor>(sp => new LiveMqttHealth(sp.GetRequiredKeyedService<RebuiltService>(LiveKey)));
        return services;
    }

    /// <summary>The bridge (with the compatibility publisher when <c>mqtt.compat_must_monitor</c> is on) for a configuration, or null when it has no broker to talk to.</summary>
    private static IHostedService? Build(IServiceProvider sp, GatewayConfig config, bool embedded)
    {
        var o = config.Mqtt;
        if (!(o.Enabled || embedded) || (o.Host is null && !embedded)) return null;
        var session = new MqttSession(
            // Talking to the built-in broker: with the login it keeps for the gateway alone (so no other client can use the
            // gateway's client id), at the address it binds (127.0.0.1 when it binds every address).
            embedded && TalksToBuiltInBroker(o) && sp.GetRequiredService<EmbeddedMqttBroker>().OwnLogin is var own ? o with { Username = own.Username, Password = own.Password } : o,
            o.Host ?? EmbeddedBrokerAddress(o),
            o.Host is null ? o.EmbeddedPort : o.Port,
            new MqttOutbox(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.HomeAssistant.Mqtt"));
        var bridge = new HomeAssistantBridge(config, session, sp.GetRequiredService<ReadingHub>(), sp.GetRequiredService<EventBus>(),
            sp.GetRequiredService<DeviceCommandGate>(), sp.GetRequiredService<IPolicyStatusSource>(), sp.GetRequiredService<StartInfo>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<HomeAssistantBridge>>(), sp.GetService<SecondTick>());
        if (!o.CompatMustMonitor.Enabled || MustMonitorCompatPublisher.DeviceFor(config) is not { } compatDevice) return bridge;
        return new HostedGroup(bridge, new MustMonitorCompatPublisher(o.CompatMustMonitor, compatDevice, session,
            sp.GetRequiredService<ReadingHub>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.HomeAssistant.CompatMustMonitor")));
    }
}
