using Gateway.Configuration;
using Gateway.Readings;
using Microsoft.Extensions.Hosting;

namespace Gateway.Notifications;

/// <summary>Feeds every reading to the <see cref="PowerQualityTracker"/> and publishes each change as a power_quality event.</summary>
public sealed class PowerQualityWatcher(GatewayConfig config, ReadingHub hub, EventBus events) : BackgroundService
{
    private readonly PowerQualityTracker _tracker = new(config.Notifications.BrownoutVoltage, config.Notifications.OvervoltageVoltage);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var sub = hub.Subscribe("power-quality", wants: static e => e is ReadingPublished, inline: true);
        try
        {
            await foreach (var e in sub.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                if (e is ReadingPublished p) Handle(p);
        }
        catch (OperationCanceledException) { }
    }

    public void Handle(ReadingPublished p)
    {
        foreach (var c in _tracker.Observe(p.Reading))
        {
            var severity = !c.Active ? EventSeverity.Info : c.Condition is "overload" or "bypass" ? EventSeverity.Critical : EventSeverity.Warning;
            events.Publish(new GatewayEvent(p.Reading.Timestamp, EventKinds.PowerQuality, severity, c.Message, c.DeviceId,
                new Dictionary<string, string> { ["condition"] = c.Condition, ["active"] = c.Active ? "true" : "false" }));
        }
    }
}
