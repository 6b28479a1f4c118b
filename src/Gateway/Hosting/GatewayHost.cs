using Gateway.Configuration;
using Gateway.DeviceCommands;
using Gateway.HomeAssistant;
using Gateway.Drivers.Devices;
using Gateway.Indicators;
using Gateway.LiveApply;
using Gateway.NutServer;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Storage;
using Gateway.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>Composes the appliance: the hub, the drivers and every output, on one host.</summary>
public static class GatewayHost
{
    /// <summary>SIGTERM to exit: every hosted service gets this long to stop.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(4);

    public static IHost Build(GatewayConfig config, RunOptions run, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        if (config.Web.Enabled)
        {
            // The gateway has no appsettings.json; without this the builder watches the install directory for one
            // (an inotify instance and a ".NET File Watch" thread for nothing).
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                Args = ["--hostBuilder:reloadConfigOnChange=false"],
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.WebHost.UseUrls(config.Web.Listen);
            // CreateSlimBuilder already runs Kestrel's core (HTTP/1.1 and HTTP/2). UseKestrel() would add HTTP/3 over
            // QUIC too, which the gateway never enables (no Http3 protocol, no libmsquic on a Pi): ~0.35 MB of binary.
            // No HTTPS endpoint configuration either (267,792 bytes of x64 binary): there is no setting for a web
            // certificate, so WebOptions refuses an https:// web.listen; TLS belongs to a reverse proxy in front.
            builder.WebHost.ConfigureKestrel(k => KestrelLimits.Apply(k, config.Web));
            builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJsonContext.Default));
            ConfigureServices(builder, config, run, time);
            MakeWebServerOptional(builder.Services, config.Web.Listen);
            var app = builder.Build();
            app.UseRequestBodyLimit();
            app.MapHealth();
            app.MapGatewayApi();
            app.MapDemo();
            app.MapConfigStatus();
            WatchEssentialLoops(app.Services);
            return app;
        }
        else
        {
            // The empty builder is what DisableDefaults does, without linking the defaults it skips (EventLog, Debug and
            // EventSource loggers, appsettings.json, user secrets): CreateApplicationBuilder decides that at run time.
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
            ConfigureServices(builder, config, run, time);
            var host = builder.Build();
            WatchEssentialLoops(host.Services);
            return host;
        }
    }

    /// <summary>
    /// The loops the watchdog needs besides the drivers (DeviceRunner registers those): the policy loop beats; the
    /// NUT accept loops wait for clients, so they count as alive while their task runs.
    /// </summary>
    private static void WatchEssentialLoops(IServiceProvider services)
    {
        var loops = services.GetRequiredService<LoopMonitor>();
        if (services.GetService<PolicyRunner>() is not null) loops.Register(PolicyRunner.LoopName, TimeSpan.FromSeconds(30));
        if (services.GetService<NutTcpServer>() is { } nut)
            loops.Watch("nut-server", () => nut.Endpoints.Count == 0 || nut.ExecuteTask is not { IsCompleted: true });
    }

    /// <summary>Wraps Kestrel in <see cref="OptionalWebServer"/>: a web server that cannot listen must not stop protection.</summary>
    private static void MakeWebServerOptional(IServiceCollection services, string listen)
    {
        var kestrel = services.Last(d => d.ServiceType == typeof(IServer));
        services.Remove(kestrel);
        Func<IServiceProvider, IServer> inner;
        if (kestrel.ImplementationType is { } type)
        {
            services.Add(new ServiceDescriptor(type, type, ServiceLifetime.Singleton));
            inner = sp => (IServer)sp.GetRequiredService(type);
        }
        else if (kestrel.ImplementationFactory is { } factory) inner = sp => (IServer)factory(sp);
        else inner = _ => (IServer)kestrel.ImplementationInstance!;
        services.AddSingleton(sp => new OptionalWebServer(inner(sp), listen, sp.GetRequiredService<StartupWarnings>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Web")));
        services.AddSingleton<IServer>(sp => sp.GetRequiredService<OptionalWebServer>());
    }

    private static void ConfigureServices(IHostApplicationBuilder builder, GatewayConfig config, RunOptions run, TimeProvider time)
    {
        LoggingSetup.Configure(builder.Logging, config.Logging);
        var services = builder.Services;
        config = DemoMode.Apply(services, config, run, time);
        services.AddSystemd();
        // AddSystemd registers the notifier only under systemd; the watchdog asks for it either way.
        services.TryAddSingleton<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier, Microsoft.Extensions.Hosting.Systemd.SystemdNotifier>();
        services.Configure<HostOptions>(o =>
        {
            o.ShutdownTimeout = ShutdownTimeout;
            o.ServicesStartConcurrently = true;
            o.ServicesStopConcurrently = true;
            // A crash in an output (history, Home Assistant, notifications) must not stop the drivers, the policy and
            // the NUT server. The loops that protection needs are watched instead: if one dies it stops beating, and
            // the systemd watchdog (fed only while all beat) restarts the gateway.
            o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore;
        });
        services.AddSingleton(config);
        services.AddSingleton(run);
        services.AddSingleton(time);
        services.AddSingleton(new StartInfo(time));
        services.AddSingleton<StartupWarnings>();
        services.AddSingleton<LoopMonitor>();
        services.AddSingleton<ILoopHeartbeat>(sp => sp.GetRequiredService<LoopMonitor>());
        services.AddSingleton<ReadingHub>();
        services.AddSingleton<EventBus>();
        services.AddSingleton<DeviceDirectory>();
        services.AddLiveApply(config, run);
        services.AddDeviceCommands(config);
        services.AddSingleton(new Gateway.Drivers.Modbus.ModbusBuses(time));
        services.AddGatewayWeb(config);
        services.AddNutServer(config);
        services.AddPowerProtection(config);

        foreach (var device in config.Devices)
        {
            var d = device;
            services.AddSingleton<IDeviceDriver>(sp =>
                DeviceDriverFactory.Create(d, sp, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Devices"))
                ?? new UnavailableDriver(d.Id, DeviceDriverFactory.KindOf(d)));
        }
        services.AddHostedService<StartupAnnouncer>();
        services.AddHostedService<ReadinessAnnouncer>();
        services.AddHostedService<PowerEventDetector>();
        services.AddSingleton(sp => new SecondTick(time, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Tick")));
        services.AddSingleton(sp => new DeviceRunner(sp.GetServices<IDeviceDriver>(), sp.GetRequiredService<ReadingHub>(), sp.GetRequiredService<LoopMonitor>(),
            time, sp.GetRequiredService<ILogger<DeviceRunner>>(), config, sp.GetRequiredService<DeviceDirectory>(), sp.GetRequiredService<SecondTick>()));
        services.AddHostedService(sp => sp.GetRequiredService<DeviceRunner>());
        services.AddHostedService<SystemdWatchdog>();
        services.AddHostedService<ShutdownSequenceWatch>();
        services.AddHostedService<MemoryTrim>();
        services.AddSingleton<IHealthContributor, LoopHealth>();
        services.AddHistory(config);
        services.AddStatusIndicators(config);
        services.AddHomeAssistant(config, run);
    }
}
