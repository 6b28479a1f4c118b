using System.Globalization;
using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Microsoft.Extensions.Hosting;

namespace Gateway.Web.Alarms;

/// <summary>
/// Watches UPS readings for the <c>web.alarms</c> thresholds and keeps the set of active alarms per device.
/// Each change (raised or cleared) is published once as an <see cref="EventKinds.Alarm"/> event, which the
/// event bus logs once; a reading that keeps an alarm on changes nothing.
/// </summary>
public sealed class AlarmMonitor : BackgroundService
{
    private readonly ReadingHub _hub;
    private readonly EventBus _events;
    private readonly AlarmThresholds _thresholds;
    private readonly BatteryOptions _battery;
    private readonly string? _protectedUps;
    private readonly Lock _gate = new();
    private Dictionary<string, IReadOnlyDictionary<string, ActiveAlarm>> _active = new(StringComparer.Ordinal);
    private static readonly IReadOnlyDictionary<string, ActiveAlarm> NoAlarms = new Dictionary<string, ActiveAlarm>(StringComparer.Ordinal);

    public AlarmMonitor(ReadingHub hub, EventBus events, GatewayConfig config)
    {
        _hub = hub;
        _events = events;
        _thresholds = config.Web.Alarms;
        _battery = config.Battery;
        _protectedUps = config.ProtectedUps?.Id;
    }

    public AlarmThresholds Thresholds => _thresholds;

    /// <summary>The alarms on for one device, in <see cref="AlarmKinds.All"/> order.</summary>
    public IReadOnlyList<ActiveAlarm> For(string deviceId) =>
        _active.TryGetValue(deviceId, out var a) ? Ordered(a) : [];

    /// <summary>Every active alarm, by device id then kind.</summary>
    public IReadOnlyList<ActiveAlarm> All() =>
        _active.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => Ordered(kv.Value)).ToArray();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Inline: the evaluation is in memory and takes only this monitor's lock; no pool wake-up per reading.
        using var sub = _hub.Subscribe("alarms", wants: static e => e is ReadingPublished { Reading: UpsReading }, inline: true);
        foreach (var d in _hub.Snapshot())
            if (d.Latest is not null) Handle(new ReadingPublished(d.Latest));
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
        if (e is not ReadingPublished { Reading: UpsReading ups }) return;
        List<(ActiveAlarm Alarm, bool Raised)> changes;
        lock (_gate)
        {
            var before = _active.TryGetValue(ups.DeviceId, out var a) ? a : NoAlarms;
            var evaluated = AlarmEvaluator.Evaluate(ups, _thresholds, before, ups.DeviceId == _protectedUps ? _battery : null);
            // The usual reading: no alarm before, none now; nothing to compare, store or announce.
            if (evaluated.Count == 0 && before.Count == 0) return;
            var now = evaluated.ToDictionary(x => x.Kind, StringComparer.Ordinal);
            changes = [];
            foreach (var (kind, alarm) in now)
            {
                var isNew = !before.TryGetValue(kind, out var old);
                var textChanged = !isNew && kind == AlarmKinds.UpsAlarm && old!.Message != alarm.Message;
                if (isNew || textChanged) changes.Add((alarm, true));
            }
            foreach (var (kind, alarm) in before)
                if (!now.ContainsKey(kind)) changes.Add((alarm, false));
            // Stored even without a change: the message carries the latest value ("Input voltage 171 V"). With no
            // alarm before or now there is nothing to store (the usual reading).
            if (now.Count > 0 || before.Count > 0) _active = new Dictionary<string, IReadOnlyDictionary<string, ActiveAlarm>>(_active, StringComparer.Ordinal) { [ups.DeviceId] = now };
        }
        foreach (var (alarm, raised) in changes)
        {
            var data = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["alarm"] = alarm.Kind,
                ["state"] = raised ? "raised" : "cleared",
            };
            if (alarm.Threshold is { } t) data["threshold"] = t.ToString(CultureInfo.InvariantCulture);
            if (raised && alarm.Value is { } v) data["value"] = v.ToString(CultureInfo.InvariantCulture);
            _events.Publish(new GatewayEvent(ups.Timestamp, EventKinds.Alarm, raised ? EventSeverity.Warning : EventSeverity.Info,
                raised ? $"Alarm: {alarm.Message}" : $"Alarm cleared: {Describe(alarm.Kind)}", ups.DeviceId, data));
        }
    }

    private static string Describe(string kind) => kind switch
    {
        AlarmKinds.InputVoltageLow => "input voltage back to normal",
        AlarmKinds.BatteryLow => "battery charge back above the threshold",
        AlarmKinds.TemperatureHigh => "temperature back to normal",
        AlarmKinds.LoadHigh => "load back to normal",
        AlarmKinds.UpsAlarm => "the UPS no longer reports an alarm",
        AlarmKinds.ReplaceBattery => "the UPS no longer reports that its battery needs replacing",
        AlarmKinds.BatteryAge => "the battery is no longer near the end of its expected life",
        _ => kind,
    };

    private static ActiveAlarm[] Ordered(IReadOnlyDictionary<string, ActiveAlarm> a) =>
        AlarmKinds.All.Where(a.ContainsKey).Select(k => a[k]).ToArray();
}
