using System.Text;
using System.Text.Json;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.HomeAssistant;

/// <summary>
/// Turns the hub, the event bus and the policy status into Home Assistant discovery configs, availability and
/// state documents on the <see cref="MqttSession"/>, and Home Assistant button presses into device commands.
/// An independent subscriber: it never reaches into a driver except through <see cref="DeviceDirectory"/>.
/// </summary>
public sealed class HomeAssistantBridge : BackgroundService
{
    private sealed class DeviceEntry(string id, string name, string type, DeviceKind kind)
    {
        public string Id { get; } = id;
        public string Name { get; } = name;
        public string Type { get; } = type;
        public DeviceKind Kind { get; } = kind;
        public SortedSet<string> SeenKeys { get; } = new(StringComparer.Ordinal);
        public string? Serial, Manufacturer, Model, Firmware, BeeperStatus;
        public string? DiscoverySignature;
        public byte[]? LastState;
        public long LastStateAt;
    }

    private readonly MqttSession _session;
    private readonly HaTopics _topics;
    private readonly ReadingHub _hub;
    private readonly EventBus _events;
    private readonly DeviceDirectory _directory;
    private readonly IPolicyStatusSource _policy;
    private readonly StartInfo _start;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly MqttOptions _options;
    private readonly string? _recordPath;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DeviceEntry> _devices = new(StringComparer.Ordinal);
    private readonly string _gatewayIdentifier;
    private HaDiscoveryRecord _record = new();
    private Dictionary<string, string> _clears = new(StringComparer.Ordinal);
    private bool _recordDirty;
    private byte[]? _lastGatewaySignature;
    private long _lastGatewayAt;
    private int _republishPending;
    private HashSet<string>? _publishedThisRound;

    public HomeAssistantBridge(GatewayConfig config, MqttSession session, ReadingHub hub, EventBus events, DeviceDirectory directory,
        IPolicyStatusSource policy, StartInfo start, TimeProvider time, ILogger<HomeAssistantBridge> log)
    {
        _options = config.Mqtt;
        _session = session;
        _topics = new HaTopics(config.Mqtt.BaseTopic, config.Mqtt.DiscoveryPrefix, config.Gateway.Name);
        _hub = hub;
        _events = events;
        _directory = directory;
        _policy = policy;
        _start = start;
        _time = time;
        _log = log;
        _gatewayIdentifier = "power_gateway_" + HaTopics.Sanitize(config.Gateway.Name);
        _recordPath = string.IsNullOrEmpty(config.Gateway.DataDir) ? null : Path.Combine(config.Gateway.DataDir, HaDiscoveryRecord.FileName);
        foreach (var d in config.Devices)
            _devices[d.Id] = new DeviceEntry(d.Id, d.DisplayName, d.Type, d.IsUps ? DeviceKind.Ups : DeviceKind.Meter);
        session.Subscribe(_topics.HomeAssistantStatus);
        session.Subscribe(_topics.CommandFilter);
        session.Connected += PublishAll;
    }

    public HaTopics Topics => _topics;

    /// <summary>How many times the full set (configs, availability, states) was queued: connects plus Home Assistant births.</summary>
    public int FullPublishes { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await LoadRecordAsync(stoppingToken).ConfigureAwait(false);
        using var hubSub = _hub.Subscribe("home-assistant");
        using var eventSub = _events.Subscribe("home-assistant");
        lock (_gate)
        {
            foreach (var snap in _hub.Snapshot())
                if (snap.Latest is { } r) OnReading(r);
        }
        await Task.WhenAll(
            _session.RunAsync(stoppingToken),
            HubLoop(hubSub, stoppingToken),
            EventLoop(eventSub, stoppingToken),
            ReceiveLoop(stoppingToken),
            TickLoop(stoppingToken)).ConfigureAwait(false);
    }

    private async Task HubLoop(HubSubscription sub, CancellationToken ct)
    {
        try
        {
            await foreach (var e in sub.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    lock (_gate)
                    {
                        switch (e)
                        {
                            case ReadingPublished p: OnReading(p.Reading); break;
                            case LinkStateChanged l: OnLink(l.DeviceId, l.Current); break;
                        }
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A bug with one reading must not stop Home Assistant updates (or the host).
                    _log.LogError(ex, "Home Assistant: cannot publish {Event} for {Device}", e.GetType().Name, e.DeviceId);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task EventLoop(EventSubscription sub, CancellationToken ct)
    {
        try
        {
            await foreach (var e in sub.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                _session.Outbox.Enqueue(new MqttOutboxMessage(_topics.Events, HaEventDocument.Write(e), Retain: false));
        }
        catch (OperationCanceledException) { }
    }

    private async Task TickLoop(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    Tick();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _log.LogError(ex, "Home Assistant: periodic publish failed");
                }
                await SaveRecordIfDirtyAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Gateway document on change; every device document again once state_interval has passed.</summary>
    private void Tick()
    {
        lock (_gate)
        {
            PublishGatewayState(force: false);
            var now = _time.GetTimestamp();
            foreach (var d in _devices.Values)
            {
                if (d.LastState is { } doc && _time.GetElapsedTime(d.LastStateAt, now) >= _options.StateInterval)
                    EnqueueState(d, doc);
            }
        }
    }

    private async Task ReceiveLoop(CancellationToken ct)
    {
        try
        {
            await foreach (var m in _session.Received.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (m.Topic == _topics.HomeAssistantStatus)
                {
                    if (m.Payload.Trim().Equals(MqttSession.Online, StringComparison.OrdinalIgnoreCase))
                        _ = RepublishAfterBirthAsync(ct);
                }
                else if (_topics.TryParseCommand(m.Topic, out var deviceId, out var key))
                {
                    HandleCommand(m, deviceId, key, ct);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Home Assistant (re)started: configs again after 1–5 s (random, so many gateways do not answer at once), then states.</summary>
    private async Task RepublishAfterBirthAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _republishPending, 1) == 1) return;
        try
        {
            var delay = TimeSpan.FromMilliseconds(Random.Shared.Next(1000, 5001));
            _log.LogInformation("Home Assistant came online; republishing discovery in {Delay:0.0}s", delay.TotalSeconds);
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            PublishAll();
        }
        catch (OperationCanceledException) { }
        finally
        {
            Volatile.Write(ref _republishPending, 0);
        }
    }

    private void HandleCommand(MqttReceivedMessage m, string deviceId, string key, CancellationToken ct)
    {
        if (m.Retain)
        {
            if (m.Payload.Length == 0) return;
            _log.LogWarning("Ignored a retained command on {Topic}: command topics must not be retained; clearing it", m.Topic);
            _session.Outbox.Enqueue(new MqttOutboxMessage(m.Topic, [], Retain: true));
            return;
        }
        if (m.Payload != HaDiscoveryDocument.PressPayload) return;
        string? command;
        lock (_gate)
        {
            if (!_devices.TryGetValue(deviceId, out var d) || d.Kind != DeviceKind.Ups)
            {
                _log.LogWarning("Ignored a command for unknown UPS '{Device}' on {Topic}", deviceId, m.Topic);
                return;
            }
            var commands = _directory.CommandsOf(deviceId);
            command = key switch
            {
                UpsEntities.BeeperToggle => UpsEntities.BeeperCommand(commands, d.BeeperStatus),
                UpsEntities.BatteryTest => UpsEntities.BatteryTestCommand(commands),
                _ => null,
            };
        }
        if (command is null)
        {
            _log.LogWarning("Ignored button '{Key}' for {Device}: the device does not support it", key, deviceId);
            return;
        }
        _ = RunCommandAsync(deviceId, command, ct);
    }

    private async Task RunCommandAsync(string deviceId, string command, CancellationToken ct)
    {
        try
        {
            _log.LogInformation("Home Assistant: sending {Command} to {Device}", command, deviceId);
            var result = await _directory.ExecuteAsync(deviceId, command, ct).ConfigureAwait(false);
            if (result.Status == DeviceCommandStatus.Ok) _log.LogInformation("{Command} on {Device}: ok", command, deviceId);
            else _log.LogWarning("{Command} on {Device}: {Status} {Message}", command, deviceId, result.Status, result.Message);
        }
        catch (OperationCanceledException) { }
        catch (Exception e)
        {
            _log.LogError(e, "{Command} on {Device} failed", command, deviceId);
        }
    }

    /// <summary>Queues everything: stale-config clears, every config, availability and every state (on connect and on HA birth).</summary>
    public void PublishAll()
    {
        lock (_gate)
        {
            FullPublishes++;
            if (_options.Discovery)
            {
                _publishedThisRound = new HashSet<string>(StringComparer.Ordinal);
                PublishGatewayDiscovery();
                foreach (var d in _devices.Values) PublishDeviceDiscovery(d, force: true);
                // Whatever was announced before but not now (a button the device no longer supports, a renamed key) goes away.
                foreach (var (topic, owner) in _record.Topics.Where(t => !_publishedThisRound.Contains(t.Key)).ToArray())
                {
                    _clears[topic] = owner;
                    _record.Topics.Remove(topic);
                    _recordDirty = true;
                }
                _publishedThisRound = null;
            }
            foreach (var (topic, _) in _clears) _session.Outbox.Enqueue(new MqttOutboxMessage(topic, [], Retain: true));
            foreach (var d in _devices.Values)
            {
                EnqueueAvailability(d.Id);
                if (d.LastState is { } doc) EnqueueState(d, doc);
            }
            PublishGatewayState(force: true);
        }
    }

    private void OnReading(Reading r)
    {
        if (!_devices.TryGetValue(r.DeviceId, out var d)) return;
        byte[] doc;
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
                doc = HaStateDocument.ForUps(ups);
                break;
            case MeterReading meter:
                foreach (var m in meter.Metrics)
                    if (MeterEntities.ByMetric.TryGetValue(m.Key, out var e)) d.SeenKeys.Add(e.Key);
                if (meter.PhaseSequence is not null) d.SeenKeys.Add(MeterEntities.PhaseSequence);
                d.Serial = meter.Serial;
                d.Manufacturer = meter.Manufacturer;
                d.Model = meter.Model;
                d.Firmware = meter.Firmware;
                doc = HaStateDocument.ForMeter(meter);
                break;
            default:
                return;
        }
        if (_options.Discovery) PublishDeviceDiscovery(d, force: false);
        if (d.LastState is null || !d.LastState.AsSpan().SequenceEqual(doc)) EnqueueState(d, doc);
    }

    private void OnLink(string deviceId, LinkState state)
    {
        if (!_devices.ContainsKey(deviceId)) return;
        EnqueueAvailability(deviceId);
        PublishGatewayState(force: false);
    }

    private void EnqueueState(DeviceEntry d, byte[] doc)
    {
        d.LastState = doc;
        d.LastStateAt = _time.GetTimestamp();
        _session.Outbox.Enqueue(new MqttOutboxMessage(_topics.State(d.Id), doc, Retain: true));
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
        var links = _devices.Values.Select(d => (d.Id, _hub.Get(d.Id)?.Link == LinkState.Connected, _directory.Find(d.Id)?.Counters.Reconnects ?? 0)).ToArray();
        var signature = HaStateDocument.ForGateway(policy, now, TimeSpan.Zero, links, includeUptime: false);
        var due = _lastGatewaySignature is null || _time.GetElapsedTime(_lastGatewayAt) >= _options.StateInterval;
        if (!force && !due && signature.AsSpan().SequenceEqual(_lastGatewaySignature)) return;
        _lastGatewaySignature = signature;
        _lastGatewayAt = _time.GetTimestamp();
        var doc = HaStateDocument.ForGateway(policy, now, _start.Uptime, links);
        _session.Outbox.Enqueue(new MqttOutboxMessage(_topics.State(null), doc, Retain: true));
    }

    private HaDevice GatewayDevice() => new([_gatewayIdentifier], $"Power Gateway {_topics.GatewayName}", HaDiscoveryDocument.OriginName, "Power Gateway",
        SoftwareVersion: StartInfo.Version);

    private void PublishGatewayDiscovery()
    {
        var device = GatewayDevice();
        foreach (var e in GatewayEntities.For(_devices.Values.Select(d => (d.Id, d.Name))))
            PublishConfig(null, e, device, e.AboutDevice ?? HaDiscoveryRecord.GatewayOwner, expireAfter: null);
    }

    private void PublishDeviceDiscovery(DeviceEntry d, bool force)
    {
        var commands = d.Kind == DeviceKind.Ups ? _directory.CommandsOf(d.Id) : [];
        var signature = string.Join('|', d.Serial, d.Manufacturer, d.Model, d.Firmware, string.Join(',', d.SeenKeys), string.Join(',', commands));
        if (!force && signature == d.DiscoverySignature) return;
        d.DiscoverySignature = signature;

        var identifiers = new List<string>(2);
        if (d.Serial is { } serial) identifiers.Add($"{d.Kind.ToString().ToLowerInvariant()}_{HaTopics.Sanitize(serial)}");
        identifiers.Add(_topics.NodeId(d.Id));
        // Manufacturer and model come from the readings (the drivers know them); no output knows brand names.
        var device = new HaDevice(identifiers, d.Name, d.Manufacturer, d.Model, d.Serial, d.Firmware, _gatewayIdentifier);
        var expireAfter = (int)Math.Ceiling(_options.StateInterval.TotalSeconds * 3);

        IEnumerable<HaEntity> entities = d.Kind == DeviceKind.Ups
            ? UpsEntities.Always
                .Concat(UpsEntities.Values.Select(v => v.Entity).Where(e => d.SeenKeys.Contains(e.Key)))
                .Concat(UpsEntities.Buttons(commands))
            : MeterEntities.ByMetric.Values.Where(e => d.SeenKeys.Contains(e.Key))
                .Concat(d.SeenKeys.Contains(MeterEntities.PhaseSequence) ? [MeterEntities.PhaseSequenceEntity] : []);
        foreach (var e in entities)
            PublishConfig(d.Id, e, device, d.Id, e.IsButton ? null : expireAfter);

        if (!_record.DeviceKeys.TryGetValue(d.Id, out var known) || !known.SequenceEqual(d.SeenKeys))
        {
            _record.DeviceKeys[d.Id] = [.. d.SeenKeys];
            _recordDirty = true;
        }
    }

    private void PublishConfig(string? deviceId, HaEntity e, HaDevice device, string owner, int? expireAfter)
    {
        var topic = _topics.Config(e.Component, deviceId, e.Key);
        _publishedThisRound?.Add(topic);
        _clears.Remove(topic);
        _session.Outbox.Enqueue(new MqttOutboxMessage(topic, HaDiscoveryDocument.Write(_topics, deviceId, e, device, expireAfter), Retain: true));
        if (!_record.Topics.TryGetValue(topic, out var o) || o != owner)
        {
            _record.Topics[topic] = owner;
            _recordDirty = true;
        }
    }

    private async Task LoadRecordAsync(CancellationToken ct)
    {
        if (_recordPath is null) return;
        HaDiscoveryRecord? record = null;
        try
        {
            var text = await AtomicFile.ReadAllTextOrNullAsync(_recordPath, ct).ConfigureAwait(false);
            if (text is not null) record = JsonSerializer.Deserialize(text, HomeAssistantJsonContext.Default.HaDiscoveryRecord);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("Home Assistant: cannot read {Path} ({Reason}); starting a new record", _recordPath, e.Message);
        }
        if (record is null) return;
        lock (_gate)
        {
            var gatewayTopics = new HashSet<string>(
                GatewayEntities.For(_devices.Values.Select(d => (d.Id, d.Name))).Select(e => _topics.Config(e.Component, null, e.Key)), StringComparer.Ordinal);
            var kept = new HaDiscoveryRecord();
            var clears = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (topic, owner) in record.Topics)
            {
                var stillThere = owner == HaDiscoveryRecord.GatewayOwner ? gatewayTopics.Contains(topic) : _devices.ContainsKey(owner);
                if (stillThere) kept.Topics[topic] = owner;
                else clears[topic] = owner;
            }
            foreach (var (id, keys) in record.DeviceKeys)
            {
                if (!_devices.TryGetValue(id, out var d)) continue;
                kept.DeviceKeys[id] = keys;
                foreach (var k in keys) d.SeenKeys.Add(k);
            }
            if (clears.Count > 0)
                _log.LogInformation("Home Assistant: removing {Count} entities no longer in the config", clears.Count);
            _record = kept;
            _clears = clears;
            _recordDirty = clears.Count > 0;
        }
    }

    private async Task SaveRecordIfDirtyAsync(CancellationToken ct)
    {
        if (_recordPath is null) return;
        string json;
        lock (_gate)
        {
            // Clears are kept until a connect has sent them; after that the record no longer lists them.
            if (!_recordDirty || !_session.IsConnected) return;
            _recordDirty = false;
            json = JsonSerializer.Serialize(_record, HomeAssistantJsonContext.Default.HaDiscoveryRecord);
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_recordPath)!);
            await AtomicFile.WriteAllTextAsync(_recordPath, json, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("Home Assistant: cannot write {Path}: {Reason}", _recordPath, e.Message);
        }
    }
}
