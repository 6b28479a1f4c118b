using System.Text.Json;
using Gateway.Configuration;
using Gateway.DeviceCommands;
using Gateway.Drivers.Devices;
using Gateway.Readings;
using Gateway.Hosting;
using Gateway.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.HomeAssistant;

/// <summary>
/// Home Assistant discovery: the retained config documents of the gateway and of every device, and the record in
/// the data dir of what was announced, so entities that disappeared from the config are cleared again.
/// Every method except the record's load and save expects the caller to hold the bridge's lock.
/// </summary>
public sealed class HaDiscoveryPublisher
{
    private readonly MqttSession _session;
    private readonly HaTopics _topics;
    private readonly DeviceCommandGate _commands;
    private readonly MqttOptions _options;
    private readonly IReadOnlyDictionary<string, HaDeviceEntry> _devices;
    private readonly Lock _gate;
    private readonly ILogger _log;
    private readonly string? _recordPath;
    private readonly string _gatewayIdentifier;
    private HaDiscoveryRecord _record = new();
    private Dictionary<string, string> _clears = new(StringComparer.Ordinal);
    private bool _recordDirty;
    private HashSet<string>? _publishedThisRound;

    public HaDiscoveryPublisher(GatewayConfig config, MqttSession session, HaTopics topics, DeviceCommandGate commands,
        IReadOnlyDictionary<string, HaDeviceEntry> devices, Lock gate, ILogger log)
    {
        _options = config.Mqtt;
        _session = session;
        _topics = topics;
        _commands = commands;
        _devices = devices;
        _gate = gate;
        _log = log;
        _gatewayIdentifier = "power_gateway_" + HaTopics.Sanitize(config.Gateway.Name);
        _recordPath = string.IsNullOrEmpty(config.Gateway.DataDir) ? null : Path.Combine(config.Gateway.DataDir, HaDiscoveryRecord.FileName);
    }

    /// <summary>Every config again, then clears for whatever was announced before but not now (on connect and on HA birth).</summary>
    public void PublishAll()
    {
        if (_options.Discovery)
        {
            _publishedThisRound = new HashSet<string>(StringComparer.Ordinal);
            PublishGatewayDiscovery();
            foreach (var d in _devices.Values) PublishDevice(d, force: true);
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
    }

    private HaDevice GatewayDevice() => new([_gatewayIdentifier], $"Power Gateway {_topics.GatewayName}", HaDiscoveryDocument.OriginName, "Power Gateway",
        SoftwareVersion: StartInfo.Version);

    private void PublishGatewayDiscovery()
    {
        var device = GatewayDevice();
        foreach (var e in GatewayEntities.For(_devices.Values.Select(d => (d.Id, d.Name))))
            PublishConfig(null, e, device, e.AboutDevice ?? HaDiscoveryRecord.GatewayOwner, expireAfter: null);
    }

    /// <summary>The configs of one device, when its identity, its seen values or its commands changed (or always with <paramref name="force"/>).</summary>
    public void PublishDevice(HaDeviceEntry d, bool force)
    {
        var commands = d.Kind == DeviceKind.Ups ? _commands.OfferedCommands(d.Id) : [];
        // Compared field by field (SeenKeys only grows, so its count says whether it changed): a reading that changes
        // nothing here joins no strings.
        var signature = new HaDiscoverySignature(d.Serial, d.Manufacturer, d.Model, d.Firmware, d.SeenKeys.Count);
        if (!force && signature == d.DiscoverySignature && d.DiscoveredCommands is { } offered && (ReferenceEquals(offered, commands) || offered.SequenceEqual(commands, StringComparer.Ordinal))) return;
        d.DiscoverySignature = signature;
        d.DiscoveredCommands = commands;

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
            : d.MeterEntities.Values.Where(e => d.SeenKeys.Contains(e.Key))
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

    /// <summary>Reads the record of the last run: keys seen before come back, topics of devices no longer configured are queued for clearing.</summary>
    public async Task LoadRecordAsync(CancellationToken ct)
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

    public async Task SaveRecordIfDirtyAsync(CancellationToken ct)
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
        await WriteRecordAsync(json, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// At stop (also when a new configuration replaces the bridge): writes what was announced, with the clears not sent
    /// yet listed as still announced, so the next bridge (or the next start) clears whatever its configuration lacks.
    /// </summary>
    public async Task SaveRecordAtStopAsync(CancellationToken ct)
    {
        if (_recordPath is null) return;
        string json;
        lock (_gate)
        {
            if (!_recordDirty && _clears.Count == 0) return;
            var record = new HaDiscoveryRecord();
            foreach (var (topic, owner) in _record.Topics) record.Topics[topic] = owner;
            foreach (var (topic, owner) in _clears) record.Topics.TryAdd(topic, owner);
            foreach (var (id, keys) in _record.DeviceKeys) record.DeviceKeys[id] = keys;
            json = JsonSerializer.Serialize(record, HomeAssistantJsonContext.Default.HaDiscoveryRecord);
        }
        await WriteRecordAsync(json, ct).ConfigureAwait(false);
    }

    private async Task WriteRecordAsync(string json, CancellationToken ct)
    {
        if (_recordPath is null) return;
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
