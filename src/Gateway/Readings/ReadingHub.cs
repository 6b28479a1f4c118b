using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Microsoft.Extensions.Logging;

namespace Gateway.Readings;

/// <summary>
/// The centre of the gateway: keeps the latest reading and the link state of every device and fans changes
/// out to any number of subscribers (MQTT, NUT server, web, history, policy, LED). Drivers never wait on it.
/// </summary>
public sealed class ReadingHub : IReadingSink
{
    private readonly TimeProvider _time;
    private readonly ILogger<ReadingHub> _log;
    private readonly Lock _gate = new();
    // Copied only when a device is added or removed; a reading replaces its device's snapshot in place, so
    // readers never lock and a reading builds no dictionary.
    private Dictionary<string, DeviceSlot> _devices = new(StringComparer.Ordinal);
    private HubSubscription[] _subscribers = [];
    private readonly RuntimeEstimator? _runtime;

    /// <param name="runtime">Estimates <c>battery.runtime</c> for UPSes that do not report it, before any output sees the reading.</param>
    public ReadingHub(TimeProvider time, ILogger<ReadingHub> log, RuntimeEstimator? runtime = null)
    {
        _time = time;
        _log = log;
        _runtime = runtime;
    }

    public TimeProvider Time => _time;

    /// <summary>Declares a configured device, so it shows (as Connecting) before its first reading.</summary>
    public void Register(string deviceId, string type, DeviceKind kind)
    {
        lock (_gate)
        {
            if (_devices.ContainsKey(deviceId)) return;
            var copy = new Dictionary<string, DeviceSlot>(_devices, StringComparer.Ordinal)
            {
                [deviceId] = new DeviceSlot(new DeviceSnapshot(deviceId, type, kind, LinkState.Connecting, _time.GetUtcNow(), "starting", null)),
            };
            _devices = copy;
        }
    }

    /// <summary>Forgets a device removed from the configuration (after its driver stopped): it no longer shows anywhere.</summary>
    public void Remove(string deviceId)
    {
        lock (_gate)
        {
            if (!_devices.ContainsKey(deviceId)) return;
            var copy = new Dictionary<string, DeviceSlot>(_devices, StringComparer.Ordinal);
            copy.Remove(deviceId);
            _devices = copy;
        }
        _log.LogInformation("Device {Device} removed", deviceId);
    }

    public DeviceSnapshot? Get(string deviceId) => _devices.TryGetValue(deviceId, out var s) ? s.Current : null;

    /// <summary>Every device, in registration-independent id order.</summary>
    public IReadOnlyList<DeviceSnapshot> Snapshot() => _devices.Values.Select(s => s.Current).OrderBy(d => d.DeviceId, StringComparer.Ordinal).ToArray();

    /// <param name="wants">Which events the subscriber reads (null: all); the others are never queued for it.</param>
    /// <param name="inline">
    /// The subscriber's reading loop runs on the publisher's (driver's) thread: no thread hand-off per event. Only for
    /// short, in-memory work that never blocks and takes no lock held across I/O. Inline subscribers are offered each
    /// event after every other subscriber, so they never delay the policy or any other queued reader.
    /// </param>
    /// <param name="wake">Called after each event is queued: for a reader on its own thread (see <see cref="BoundedSubscription{T}"/>); queued first, like any non-inline subscriber.</param>
    public HubSubscription Subscribe(string name, int capacity = 1024, Func<HubEvent, bool>? wants = null, bool inline = false, Action? wake = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var sub = new HubSubscription(name, capacity, Unsubscribe, wants, inline, wake);
        lock (_gate)
        {
            // Queued subscribers first, inline ones last (see above); each group in subscription order.
            var all = _subscribers.Append(sub);
            _subscribers = [.. all.Where(s => !s.Inline), .. all.Where(s => s.Inline)];
        }
        return sub;
    }

    private void Unsubscribe(BoundedSubscription<HubEvent> sub)
    {
        lock (_gate) _subscribers = _subscribers.Where(s => s != sub).ToArray();
    }

    public void Publish(Reading reading)
    {
        if (_runtime is not null) reading = _runtime.Enrich(reading);
        LinkStateChanged? change = null;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var slot = SlotFor(reading.DeviceId, reading is UpsReading ? DeviceKind.Ups : DeviceKind.Meter, now);
            var prev = slot.Current;
            var next = prev with { Latest = reading };
            if (prev.Link != LinkState.Connected)
            {
                change = new LinkStateChanged(reading.DeviceId, prev.Link, LinkState.Connected, "reading received", now);
                next = next with { Link = LinkState.Connected, LinkSince = now, LinkReason = null };
            }
            slot.Current = next;
        }
        if (change is not null) AnnounceLink(change);
        Fan(new ReadingPublished(reading));
    }

    public void ReportLinkState(string deviceId, LinkState state, string? reason = null)
    {
        LinkStateChanged? change;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var slot = SlotFor(deviceId, DeviceKind.Ups, now);
            var prev = slot.Current;
            if (prev.Link == state) return;
            change = new LinkStateChanged(deviceId, prev.Link, state, reason, now);
            slot.Current = prev with { Link = state, LinkSince = now, LinkReason = reason };
        }
        AnnounceLink(change);
    }

    /// <summary>Marks Connected devices whose latest reading is older than its MaxAge as Stale (a hung driver cannot freeze values).</summary>
    public void CheckFreshness()
    {
        var now = _time.GetUtcNow();
        foreach (var slot in _devices.Values)
        {
            var d = slot.Current;
            if (d.Link == LinkState.Connected && d.Latest is { } r && !r.IsFresh(now))
                ReportLinkState(d.DeviceId, LinkState.Stale, $"no new reading for {(now - r.Timestamp).TotalSeconds:0}s");
        }
    }

    /// <summary>The device's slot; an undeclared device (no Register) gets one as Connecting. Caller holds the lock.</summary>
    private DeviceSlot SlotFor(string deviceId, DeviceKind kind, DateTimeOffset now)
    {
        if (_devices.TryGetValue(deviceId, out var slot)) return slot;
        slot = new DeviceSlot(new DeviceSnapshot(deviceId, "unknown", kind, LinkState.Connecting, now, null, null));
        _devices = new Dictionary<string, DeviceSlot>(_devices, StringComparer.Ordinal) { [deviceId] = slot };
        return slot;
    }

    private void AnnounceLink(LinkStateChanged change)
    {
        var level = change.Current switch
        {
            LinkState.Lost => LogLevel.Warning,
            LinkState.Stale => LogLevel.Warning,
            _ => LogLevel.Information,
        };
        _log.Log(level, "Device {Device} link {Previous} -> {Current}{Reason}", change.DeviceId, change.Previous, change.Current,
            change.Reason is null ? "" : $" ({change.Reason})");
        Fan(change);
    }

    private void Fan(HubEvent e)
    {
        foreach (var s in _subscribers)
            if (s.Wants(e)) s.Offer(e);
    }

    /// <summary>One device's latest snapshot, replaced whole (readers see the old or the new one, never a mix).</summary>
    private sealed class DeviceSlot(DeviceSnapshot current)
    {
        private DeviceSnapshot _current = current;

        public DeviceSnapshot Current
        {
            get => Volatile.Read(ref _current);
            set => Volatile.Write(ref _current, value);
        }
    }
}
