using Gateway.Configuration;
using Gateway.HomeAssistant;
using Gateway.Drivers.Devices;
using Gateway.Indicators;
using Gateway.NutServer;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Storage;
using Gateway.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
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
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
            builder.WebHost.UseUrls(config.Web.Listen);
            builder.WebHost.UseKestrel(k => k.AddServerHeader = false);
            builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJsonContext.Default));
            ConfigureServices(builder, config, run, time);
            var app = builder.Build();
            app.MapHealth();
            app.MapGatewayApi();
            app.MapOutages();
            app.MapDemo();
            return app;
        }
        else
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory, DisableDefaults = true });
            ConfigureServices(builder, config, run, time);
            return builder.Build();
        }
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
        services.AddHostedService<PowerEventDetector>();
        services.AddHostedService<DeviceRunner>();
        services.AddHostedService<SystemdWatchdog>();
        services.AddHistory(config);
        services.AddStatusIndicators(config);
        services.AddHomeAssistant(config, run);
    }
}
