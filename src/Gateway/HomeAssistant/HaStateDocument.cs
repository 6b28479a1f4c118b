using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Drivers.Readings;
using Gateway.Policy;

namespace Gateway.HomeAssistant;

/// <summary>The retained JSON state documents the value templates read (one per device, one for the gateway).</summary>
public static class HaStateDocument
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] ForUps(UpsReading r)
    {
        return Write(w =>
        {
            var s = r.Status;
            w.WriteString(UpsEntities.Status, s.ToString());
            if (s.Flags == UpsStatusFlags.None)
            {
                w.WriteNull(UpsEntities.Power);
                w.WriteNull(UpsEntities.LowBattery);
                w.WriteNull(UpsEntities.Problem);
            }
            else
            {
                w.WriteString(UpsEntities.Power, OnOff(s.OnLine && !s.OnBattery));
                w.WriteString(UpsEntities.LowBattery, OnOff(s.LowBattery));
                w.WriteString(UpsEntities.Problem, OnOff(s.Has(UpsStatusFlags.ALARM) || s.Has(UpsStatusFlags.OVER) || s.Has(UpsStatusFlags.RB)));
            }
            foreach (var (e, variable, numeric) in UpsEntities.Values)
            {
                if (numeric)
                {
                    if (r.GetNumber(variable) is { } d) w.WriteNumber(e.Key, d);
                    else w.WriteNull(e.Key);
                }
                else
                {
                    if (r.Get(variable) is { } text) w.WriteString(e.Key, text);
                    else w.WriteNull(e.Key);
                }
            }
        });
    }

    /// <param name="entities">The device's sensors by metric key (default: the built-in meter table).</param>
    public static byte[] ForMeter(MeterReading r, IReadOnlyDictionary<string, HaEntity>? entities = null)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var m in r.Metrics) values[m.Key] = m.Value;
        return Write(w =>
        {
            foreach (var (key, e) in entities ?? MeterEntities.ByMetric)
            {
                // Meter values are computed (scaled registers): 640.8000000000001 would be noise in Home Assistant's history.
                if (values.TryGetValue(key, out var d)) w.WriteNumber(e.Key, Math.Round(d, 3));
                else w.WriteNull(e.Key);
            }
            // The phase sequence belongs to the built-in meter table; a declared table may use the name for a row.
            if (entities is not null && entities != MeterEntities.ByMetric) return;
            if (r.PhaseSequence is { } seq) w.WriteString(MeterEntities.PhaseSequence, seq);
            else w.WriteNull(MeterEntities.PhaseSequence);
        });
    }

    /// <param name="links">Per device: link connected, and its driver's reconnect counter.</param>
    public static byte[] ForGateway(PolicyStatus policy, DateTimeOffset now, TimeSpan uptime, IEnumerable<(string Id, bool Connected, long Reconnects)> links)
    {
        return Write(w =>
        {
            w.WriteString(GatewayEntities.PolicyState, PolicyStatus.StateName(policy.State));
            var onBattery = policy.OnBatterySince is { } since ? Math.Max(0, (now - since).TotalSeconds) : 0;
            w.WriteNumber(GatewayEntities.TimeOnBattery, Math.Round(onBattery));
            w.WriteString(GatewayEntities.NextTrigger, policy.NextTrigger ?? "none");
            if (policy.NextTriggerEta is { } eta) w.WriteNumber(GatewayEntities.NextTriggerEta, Math.Round(Math.Max(0, eta.TotalSeconds)));
            else w.WriteNull(GatewayEntities.NextTriggerEta);
            if (policy.FailsafeAt is { } failsafe) w.WriteString(GatewayEntities.FailsafeAt, failsafe.ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture));
            else w.WriteNull(GatewayEntities.FailsafeAt);
            w.WriteNumber(GatewayEntities.Uptime, Math.Round(uptime.TotalSeconds));
            foreach (var (id, connected, reconnects) in links)
            {
                w.WriteString(GatewayEntities.LinkKey(id), OnOff(connected));
                w.WriteNumber(GatewayEntities.ReconnectsKey(id), reconnects);
            }
        });
    }

    private static string OnOff(bool on) => on ? "ON" : "OFF";

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
