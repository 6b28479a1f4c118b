using Microsoft.Extensions.Logging;

namespace Gateway.Readings;

/// <summary>
/// Fans gateway events out to every subscriber (event log, MQTT, notifications, dashboard) and keeps the
/// most recent ones in memory. Publishing never blocks; every event is logged once.
/// </summary>
public sealed class EventBus
{
    public const int RecentCapacity = 200;
    private readonly ILogger<EventBus> _log;
    private readonly Lock _gate = new();
    private readonly Queue<GatewayEvent> _recent = new(RecentCapacity);
    private EventSubscription[] _subscribers = [];

    public EventBus(ILogger<EventBus> log) => _log = log;

    public void Publish(GatewayEvent e)
    {
        var level = e.Severity switch { EventSeverity.Critical => LogLevel.Critical, EventSeverity.Warning => LogLevel.Warning, _ => LogLevel.Information };
        _log.Log(level, "Event {Kind}{Device}: {Message}", e.Kind, e.DeviceId is null ? "" : $" [{e.DeviceId}]", e.Message);
        EventSubscription[] subs;
        lock (_gate)
        {
            if (_recent.Count == RecentCapacity) _recent.Dequeue();
            _recent.Enqueue(e);
            subs = _subscribers;
        }
        foreach (var s in subs) s.Offer(e);
    }

    /// <summary>The most recent events, newest last.</summary>
    public IReadOnlyList<GatewayEvent> Recent()
    {
        lock (_gate) return _recent.ToArray();
    }

    public EventSubscription Subscribe(string name, int capacity = 1024)
    {
        var sub = new EventSubscription(name, capacity, Unsubscribe);
        lock (_gate) _subscribers = [.. _subscribers, sub];
        return sub;
    }

    private void Unsubscribe(BoundedSubscription<GatewayEvent> sub)
    {
        lock (_gate) _subscribers = _subscribers.Where(s => s != sub).ToArray();
    }
}
