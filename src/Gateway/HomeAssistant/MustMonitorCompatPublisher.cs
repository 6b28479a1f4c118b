using System.Globalization;
using System.Text.Json;
using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.HomeAssistant;

/// <summary>
/// <c>mqtt.compat_must_monitor</c>: publishes the MUST EP20 monitor's old JSON document (its topic, its field names)
/// from the readings of one UPS, through the gateway's own MQTT session, so that Home Assistant YAML written for that
/// tool keeps working while the user moves to discovery. Sent at most every <c>interval</c>, and at once when the UPS
/// goes on battery or back. Like the old tool it is not retained, QoS 1.
/// </summary>
public sealed class MustMonitorCompatPublisher : BackgroundService
{
    private readonly CompatMustMonitorOptions _options;
    private readonly string _deviceId;
    private readonly MqttSession _session;
    private readonly ReadingHub _hub;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly long _startedAt;
    private long? _lastSentAt;
    private string? _lastStatus;

    public MustMonitorCompatPublisher(CompatMustMonitorOptions options, string deviceId, MqttSession session, ReadingHub hub, TimeProvider time, ILogger log)
    {
        _options = options;
        _deviceId = deviceId;
        _session = session;
        _hub = hub;
        _time = time;
        _log = log;
        _startedAt = time.GetTimestamp();
    }

    /// <summary>The UPS the document describes: as configured, else the protected UPS, else the first UPS device (null: none).</summary>
    public static string? DeviceFor(GatewayConfig config) =>
        config.Mqtt.CompatMustMonitor.Device ?? config.ProtectedUps?.Id ?? config.Devices.FirstOrDefault(d => d.IsUps)?.Id;

    public long Published { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var sub = _hub.Subscribe("compat-must-monitor", wants: e => e is ReadingPublished { Reading: UpsReading } && e.DeviceId == _deviceId);
        if (_hub.Get(_deviceId)?.Latest is UpsReading first) Offer(first);
        try
        {
            await foreach (var e in sub.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (e is not ReadingPublished { Reading: UpsReading r } || r.DeviceId != _deviceId) continue;
                try { Offer(r); }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _log.LogError(ex, "MUST monitor compatibility: cannot publish the reading of {Device}", _deviceId);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>One reading of the UPS: published when the interval has passed or the power status changed (public for tests).</summary>
    public void Offer(UpsReading r)
    {
        var doc = Build(r, _time.GetElapsedTime(_startedAt));
        var now = _time.GetTimestamp();
        var due = _lastSentAt is not { } last || _time.GetElapsedTime(last, now) >= _options.Interval || doc.Status != _lastStatus;
        if (!due) return;
        _lastSentAt = now;
        _lastStatus = doc.Status;
        _session.Enqueue(_options.Topic, JsonSerializer.SerializeToUtf8Bytes(doc, MustMonitorJsonContext.Default.MustMonitorDocument), retain: false);
        Published++;
    }

    /// <summary>The old document from a reading in NUT vocabulary (missing values are 0, as the old tool sent them).</summary>
    public static MustMonitorDocument Build(UpsReading r, TimeSpan uptime)
    {
        double V(string name) => r.Get(name) is { } s && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : 0;
        var onBattery = r.Status.OnBattery && !r.Status.OnLine;
        var charge = V(NutNames.BatteryCharge);
        var runtime = V(NutNames.BatteryRuntime);
        var power = r.Get(NutNames.UpsRealPower) is not null ? V(NutNames.UpsRealPower) : V(NutNames.UpsLoad) / 100 * V(NutNames.UpsRealPowerNominal);
        var outputFrequency = r.Get(NutNames.OutputFrequency) is not null ? V(NutNames.OutputFrequency) : V(NutNames.InputFrequency);
        return new MustMonitorDocument(
            InputVoltage: V(NutNames.InputVoltage),
            OutputVoltage: V(NutNames.OutputVoltage),
            BatteryVoltage: V(NutNames.BatteryVoltage),
            BatteryLevel: (int)Math.Round(charge),
            LoadPercent: (int)Math.Round(V(NutNames.UpsLoad)),
            LoadPower: (int)Math.Round(power),
            Frequency: outputFrequency,
            InputFrequency: V(NutNames.InputFrequency),
            Temperature: V(NutNames.UpsTemperature),
            Timestamp: TimeZoneInfo.ConvertTime(r.Timestamp, TimeZoneInfo.Local).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            Status: r.Status.OnLine ? "online" : onBattery ? "battery" : "unknown",
            Uptime: $"{(int)uptime.TotalHours:00}:{uptime.Minutes:00}:{uptime.Seconds:00}",
            BatterySocPercent: charge,
            BatteryCurrentA: onBattery ? Math.Abs(V(NutNames.BatteryCurrent)) : 0,
            BatteryTimeRemainingHours: Math.Round(runtime / 3600, 2),
            BatteryTimeRemainingMinutes: Math.Round(runtime / 60, 1));
    }
}
