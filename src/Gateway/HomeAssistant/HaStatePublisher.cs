using System.Text;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.Policy;
using Gateway.Readings;

namespace Gateway.HomeAssistant;

/// <summary>
/// Home Assistant state: the retained state and availability documents of every device and of the gateway, and
/// the event stream. A reading also refreshes what <see cref="HaDiscoveryPublisher"/> announces about its device.
/// Every method except <see cref="Tick"/> expects the caller to hold the bridge's lock.
/// </summary>
public sealed class HaStatePublisher
{
    /// <summary>
    /// State documents go out at QoS 0, as Zigbee2MQTT's do: each is retained and superseded by the next, the TCP
    /// connection delivers it, and a connection lost before it arrived ends in a reconnect that sends every device's
    /// state again (<see cref="PublishAll"/>). QoS 1 bought no delivery beyond that, and each PUBACK woke the gateway
    /// three more times (bench/results.md). Availability, events and discovery stay QoS 1.
    /// </summary>
    internal const bool StatesAtLeastOnce = false;

    private readonly MqttSession _session;
    private readonly HaTopics _topics;
    private readonly ReadingHub _hub;
    private readonly DeviceDirectory _directory;
    private readonly IPolicyStatusSource _policy;
    private readonly StartInfo _start;
    private readonly TimeProvider _time;
    private readonly MqttOptions _options;
    private readonly IReadOnlyDictionary<string, HaDeviceEntry> _devices;
    private readonly HaDiscoveryPublisher _discovery;
    private readonly Lock _gate;
    private readonly PublishThrottle _throttle;
    private (PolicyState State, double OnBattery, string? NextTrigger, double? Eta, DateTimeOffset? FailsafeAt)? _lastGatewayKey;
    private (string Id, bool Connected, long Reconnects)[] _lastGatewayLinks = [];
    private long _lastGatewayAt;
    // Reused from reading to reading (the caller holds the bridge's lock): a reading allocates no list or dictionary.
    private readonly List<HaStateValue> _values = new(64);
    private readonly Dictionary<string, double> _meterScratch = new(StringComparer.Ordinal);

    public HaStatePublisher(MqttOptions options, MqttSession session, HaTopics topics, ReadingHub hub, DeviceDirectory directory,
        IPolicyStatusSource policy, StartInfo start, TimeProvider time, IReadOnlyDictionary<string, HaDeviceEntry> devices,
        HaDiscoveryPublisher discovery, Lock gate)
    {
        _options = options;
        _session = session;
        _topics = topics;
        _hub = hub;
        _directory = directory;
        _policy = policy;
        _start = start;
        _time = time;
        _devices = devices;
        _discovery = discovery;
        _gate = gate;
        _throttle = new PublishThrottle(options.Publish, time);
    }

    public PublishThrottle Throttle => _throttle;

    /// <summary>Availability and the last state of every device, and the gateway document (on connect and on HA birth).</summary>
    public void PublishAll()
    {
        foreach (var d in _devices.Values)
        {
            EnqueueAvailability(d.Id);
            Resend(d);
        }
        PublishGatewayState(force: true);
    }

    /// <summary>Gateway document on change; every device document again once state_interval has passed.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            PublishGatewayState(force: false);
            var now = _time.GetTimestamp();
            foreach (var d in _devices.Values)
            {
                if (d.LastState is not null && _time.GetElapsedTime(d.LastStateAt, now) >= _options.StateInterval) Resend(d);
            }
        }
    }

    public void OnEvent(GatewayEvent e) =>
        _session.Outbox.Enqueue(new MqttOutboxMessage(_topics.Events, HaEventDocument.Write(e), Retain: false));

    public void OnReading(Reading r)
    {
        if (!_devices.TryGetValue(r.DeviceId, out var d)) return;
        var values = _values;
        switch (r)
        {
            case UpsReading ups:
                foreach (var (e, variable, _) in UpsEntities.Values)
                    if (ups.Get(variable) is not null) d.SeenKeys.Add(e.Key);
                d.Serial = ups.Serial;
                d.Manufacturer = ups.Get(NutNames.DeviceMfr) ?? ups.Get(NutNames.UpsMfr);
                d.Model = ups.Get(NutNames.DeviceModel) ?? ups.Get(NutNames.UpsModel);
                d.Firmware = ups.Get(NutNames.UpsFirmware);
                d.BeeperStatus = ups.Get(NutNames.UpsBeeperStatus);
                HaStateDocument.UpsValues(ups, values);
                break;
            case MeterReading meter:
                foreach (var m in meter.Metrics)
                    if (d.MeterEntities.TryGetValue(m.Key, out var e)) d.SeenKeys.Add(e.Key);
                if (meter.PhaseSequence is not null) d.SeenKeys.Add(MeterEntities.PhaseSequence);
                d.Serial = meter.Serial;
                d.Manufacturer = meter.Manufacturer;
                d.Model = meter.Model;
                d.Firmware = meter.Firmware;
                HaStateDocument.MeterValues(meter, d.MeterEntities, values, _meterScratch);
                break;
            default:
                return;
        }
        if (_options.Discovery) _discovery.PublishDevice(d, force: false);
        // Values are compared before anything is formatted: a reading that is not sent costs no JSON.
        if ((d.LastState is null || !_throttle.SameAsPublished(d.Id, values)) && _throttle.ShouldPublish(d.Id, values)) EnqueueState(d, values);
    }

    public void OnLink(string deviceId, LinkState state)
    {
        if (!_devices.ContainsKey(deviceId)) return;
        EnqueueAvailability(deviceId);
        PublishGatewayState(force: false);
    }

    /// <summary>The newest held values, else the document last sent, again (periodic refresh, reconnect).</summary>
    private void Resend(HaDeviceEntry d)
    {
        if (_throttle.TakeHeld(d.Id) is { } held) EnqueueState(d, held);
        else if (d.LastState is { } doc)
        {
            d.LastStateAt = _time.GetTimestamp();
            _throttle.RecordAgain(d.Id);
            _session.Outbox.Enqueue(new MqttOutboxMessage(_topics.State(d.Id), doc, Retain: true, AtLeastOnce: StatesAtLeastOnce));
        }
    }

    private void EnqueueState(HaDeviceEntry d, IReadOnlyList<HaStateValue> values)
    {
        var doc = HaStateDocument.Write(values);
        d.LastState = doc;
        d.LastStateAt = _time.GetTimestamp();
        _throttle.Record(d.Id, values);
        _session.Outbox.Enqueue(new MqttOutboxMessage(_topics.State(d.Id), doc, Retain: true, AtLeastOnce: StatesAtLeastOnce));
    }

    private void EnqueueAvailability(string deviceId)
    {
        var online = _hub.Get(deviceId)?.Link == LinkState.Connected;
        _session.Outbox.Enqueue(new MqttOutboxMessage(_topics.Availability(deviceId),
            Encoding.UTF8.GetBytes(online ? MqttSession.Online : MqttSession.Offline), Retain: true));
    }

    private void PublishGatewayState(bool force)
    {
        var policy = _policy.Current;
        var now = _time.GetUtcNow();
        var links = new (string Id, bool Connected, long Reconnects)[_devices.Count];
        var i = 0;
        foreach (var d in _devices.Values)
            links[i++] = (d.Id, _hub.Get(d.Id)?.Link == LinkState.Connected, _directory.Find(d.Id)?.Counters.Reconnects ?? 0);
        // What the document shows, rounded as it is written: comparing this costs nothing, serialising it every tick did.
        var key = (policy.State,
            policy.OnBatterySince is { } since ? Math.Round(Math.Max(0, (now - since).TotalSeconds)) : 0,
            policy.NextTrigger,
            policy.NextTriggerEta is { } eta ? Math.Round(Math.Max(0, eta.TotalSeconds)) : (double?)null,
            policy.FailsafeAt);
        var due = _lastGatewayKey is null || _time.GetElapsedTime(_lastGatewayAt) >= _options.StateInterval;
        if (!force && !due && key == _lastGatewayKey && links.AsSpan().SequenceEqual(_lastGatewayLinks)) return;
        _lastGatewayKey = key;
        _lastGatewayLinks = links;
        _lastGatewayAt = _time.GetTimestamp();
        var doc = HaStateDocument.ForGateway(policy, now, _start.Uptime, links);
        _session.Outbox.Enqueue(new MqttOutboxMessage(_topics.State(null), doc, Retain: true, AtLeastOnce: StatesAtLeastOnce));
    }
}
