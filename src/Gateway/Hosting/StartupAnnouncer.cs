using Gateway.Configuration;
using Gateway.Readings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>Registers configured devices with the hub and says, once, what the gateway is about to do.</summary>
internal sealed class StartupAnnouncer(GatewayConfig config, RunOptions run, ReadingHub hub, EventBus events, StartupWarnings warnings, ILogger<StartupAnnouncer> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var d in config.Devices) hub.Register(d.Id, d.Type, DeviceDriverFactory.KindOf(d));
        log.LogInformation("Power Gateway {Version} starting: config {Config}{Settings}, data in {DataDir}{Simulate}",
            StartInfo.Version, config.SourcePath ?? "(none: defaults)", config.SettingsPath is { } settings ? $" with the web settings of {settings}" : "",
            config.Gateway.DataDir, run.Simulate ? ", simulated devices" : "");
        if (config.Devices.Count == 0)
        {
            const string msg = "No devices are configured: add a 'devices:' section (see config.yaml.example) or try 'gateway run --simulate'";
            log.LogWarning(msg);
            warnings.Add(msg);
        }
        try
        {
            Directory.CreateDirectory(config.Gateway.DataDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var msg = $"gateway.data_dir {config.Gateway.DataDir} cannot be created ({e.Message}); history and state will not be kept. "
                + "Fix: create it, writable for the gateway's user, or set gateway.data_dir to a writable directory";
            log.LogWarning("{Message}", msg);
            warnings.Add(msg);
        }
        events.Publish(new GatewayEvent(hub.Time.GetUtcNow(), EventKinds.ServiceStarted, EventSeverity.Info,
            $"Power Gateway {StartInfo.Version} started with {config.Devices.Count} device(s)"));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        events.Publish(new GatewayEvent(hub.Time.GetUtcNow(), EventKinds.ServiceStopping, EventSeverity.Info, "Power Gateway stopping"));
        return Task.CompletedTask;
    }
}
