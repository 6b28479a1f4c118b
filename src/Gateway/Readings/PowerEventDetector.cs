using Gateway.Drivers.Readings;
using Microsoft.Extensions.Hosting;

namespace Gateway.Readings;

/// <summary>
/// Turns the hub's stream into gateway events: a UPS going on battery or back on line, a device lost, stale
/// or back. One event per change, never per reading.
/// </summary>
public sealed class PowerEventDetector : BackgroundService
{
    private readonly ReadingHub _hub;
    private readonly EventBus _events;
    private readonly Dictionary<string, bool> _onBattery = new(StringComparer.Ordinal);

    public PowerEventDetector(ReadingHub hub, EventBus events)
    {
        _hub = hub;
        _events = events;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Inline: a dictionary look-up per reading, an event (a non-blocking publish) on a change; no pool wake-up per reading.
        using var sub = _hub.Subscribe("power-events", wants: static e => e is LinkStateChanged or ReadingPublished { Reading: UpsReading }, inline: true);
        try
        {
            await foreach (var e in sub.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                Handle(e);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Processes one hub event (public for tests).</summary>
    public void Handle(HubEvent e)
    {
        switch (e)
        {
            case ReadingPublished { Reading: UpsReading ups }:
                var ob = ups.Status.OnBattery;
                var known = _onBattery.TryGetValue(ups.DeviceId, out var was);
                _onBattery[ups.DeviceId] = ob;
                if (known && was == ob) break;
                if (ob)
                    _events.Publish(new GatewayEvent(ups.Timestamp, EventKinds.PowerLost, EventSeverity.Warning,
                        $"Power lost: UPS on battery ({Describe(ups)})", ups.DeviceId));
                else if (known)
                    _events.Publish(new GatewayEvent(ups.Timestamp, EventKinds.PowerRestored, EventSeverity.Info,
                        $"Power restored ({Describe(ups)})", ups.DeviceId));
                break;
            case LinkStateChanged l when l.Current == LinkState.Lost:
                _events.Publish(new GatewayEvent(l.At, EventKinds.DeviceLost, EventSeverity.Warning, $"Device lost: {l.Reason ?? "no answer"}", l.DeviceId));
                break;
            case LinkStateChanged l when l.Current == LinkState.Stale:
                _events.Publish(new GatewayEvent(l.At, EventKinds.DeviceStale, EventSeverity.Warning, $"Device data stale: {l.Reason ?? "no fresh data"}", l.DeviceId));
                break;
            case LinkStateChanged l when l.Current == LinkState.Connected && l.Previous is LinkState.Lost or LinkState.Stale:
                _events.Publish(new GatewayEvent(l.At, EventKinds.DeviceBack, EventSeverity.Info, "Device back", l.DeviceId));
                break;
        }
    }

    private static string Describe(UpsReading r)
    {
        var parts = new List<string>(3) { r.Status.ToString() };
        if (r.BatteryCharge is { } c) parts.Add($"battery {c:0}%");
        if (r.InputVoltage is { } v) parts.Add($"input {v:0} V");
        return string.Join(", ", parts);
    }
}
