using Gateway.Battery;
using Gateway.Configuration;
using Gateway.Notifications;
using Gateway.NutServer;
using Gateway.Readings;
using Gateway.Shutdown;
using Gateway.Shutdown.PowerCycle;
using Gateway.Shutdown.Restore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Policy;

/// <summary>Registers the shutdown policy, the shutdown sequence (and its rehearsal) and the notifications.</summary>
public static class PowerProtectionServiceCollectionExtensions
{
    public static IServiceCollection AddPowerProtection(this IServiceCollection services, GatewayConfig config)
    {
        services.AddSingleton(RuntimeEstimator.FromConfig(config));
        services.AddSingleton<ICommandExecutor>(sp => new ProcessCommandExecutor(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new UpsPowerCycle(config.ProtectedUps?.Id, id => sp.GetRequiredService<DeviceDirectory>().Find(id),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Shutdown.PowerCycle"), sp.GetRequiredService<EventBus>(),
            new PowerCycleArmStore(config.Gateway.DataDir, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Shutdown.PowerCycle"))));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<UpsPowerCycle>());
        services.AddSingleton(sp => new BatterySelfTestWindow(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new BatterySelfTestStore(config.Gateway.DataDir, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Battery")));
        if (config.Battery.SelfTest.Enabled && config.ProtectedUps is { } tested)
            services.AddSingleton<IHostedService>(sp => new BatterySelfTestScheduler(config.Battery.SelfTest, tested.Id, tested.Type == "nut",
                id => sp.GetRequiredService<DeviceDirectory>().Find(id), sp.GetRequiredService<ReadingHub>(),
                () => sp.GetService<IPolicyStatusSource>()?.Current, sp.GetRequiredService<BatterySelfTestWindow>(),
                sp.GetRequiredService<BatterySelfTestStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Battery"),
                sp.GetRequiredService<EventBus>()));
        services.AddSingleton(sp => new ShutdownSequence(
            OutageServiceCollectionExtensions.WrapForShedding(sp, ShutdownSequence.BuildSteps(config.Shutdown, sp.GetService<IFsdSignal>(), config.ProtectedUps?.Id,
                powerCycle: config.Shutdown.PowerCycle.Enabled ? sp.GetRequiredService<UpsPowerCycle>() : null)),
            config.Shutdown.PointOfNoReturn,
            sp.GetRequiredService<ICommandExecutor>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Shutdown"),
            sp.GetRequiredService<EventBus>(),
            new ShutdownStateStore(config.Gateway.DataDir)));
        services.AddSingleton<IShutdownRehearsal, ShutdownRehearsal>();
        services.AddOutageLifecycle(config);

        if (config.ProtectedUps is not null)
        {
            services.AddSingleton<PolicyRunner>();
            services.AddSingleton<IPolicyStatusSource>(sp => sp.GetRequiredService<PolicyRunner>());
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<PolicyRunner>());
        }
        else
        {
            services.AddSingleton<IPolicyStatusSource, UnprotectedPolicyStatusSource>();
        }

        services.AddNotifications(config.Notifications);
        return services;
    }

    private static void AddNotifications(this IServiceCollection services, NotificationsOptions o)
    {
        services.AddHostedService<PowerQualityWatcher>();
        var any = o.DiscordWebhookUrl is not null || (o.NtfyServer is not null && o.NtfyTopic is not null) || o.WebhookUrl is not null;
        if (!any) return;
        services.AddKeyedSingleton("notifications", (_, _) => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        });
        if (o.DiscordWebhookUrl is { } discord)
            services.AddSingleton<INotificationSender>(sp => new DiscordSender(sp.GetRequiredKeyedService<HttpClient>("notifications"), discord));
        if (o.NtfyServer is { } server && o.NtfyTopic is { } topic)
            services.AddSingleton<INotificationSender>(sp => new NtfySender(sp.GetRequiredKeyedService<HttpClient>("notifications"), server, topic, o.NtfyToken));
        if (o.WebhookUrl is { } url)
            services.AddSingleton<INotificationSender>(sp => new WebhookSender(sp.GetRequiredKeyedService<HttpClient>("notifications"), url));
        services.AddHostedService<NotificationDispatcher>();
    }
}
