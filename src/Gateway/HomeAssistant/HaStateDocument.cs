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
        var values = new List<HaStateValue>(UpsEntities.Values.Count + 4);
        UpsValues(r, values);
        return Write(values);
    }

    /// <summary>The values of a UPS state document, in document order, into <paramref name="into"/> (cleared first).</summary>
    public static void UpsValues(UpsReading r, List<HaStateValue> into)
    {
        into.Clear();
        var s = r.Status;
        into.Add(HaStateValue.Of(UpsEntities.Status, s.ToString()));
        if (s.Flags == UpsStatusFlags.None)
        {
            into.Add(HaStateValue.Null(UpsEntities.Power));
            into.Add(HaStateValue.Null(UpsEntities.LowBattery));
            into.Add(HaStateValue.Null(UpsEntities.Problem));
        }
        else
        {
            into.Add(HaStateValue.Of(UpsEntities.Power, OnOff(s.OnLine && !s.OnBattery)));
            into.Add(HaStateValue.Of(UpsEntities.LowBattery, OnOff(s.LowBattery)));
            into.Add(HaStateValue.Of(UpsEntities.Problem, OnOff(s.Has(UpsStatusFlags.ALARM) || s.Has(UpsStatusFlags.OVER) || s.Has(UpsStatusFlags.RB))));
        }
        foreach (var (e, variable, numeric) in UpsEntities.Values)
        {
            if (numeric) into.Add(r.GetNumber(variable) is { } d ? HaStateValue.Of(e.Key, d) : HaStateValue.Null(e.Key));
            else into.Add(HaStateValue.Of(e.Key, r.Get(variable)));
        }
    }

    /// <param name="entities">The device's sensors by metric key (default: the built-in meter table).</param>
    public static byte[] ForMeter(MeterReading r, IReadOnlyDictionary<string, HaEntity>? entities = null)
    {
        var values = new List<HaStateValue>();
        MeterValues(r, entities, values, new Dictionary<string, double>(StringComparer.Ordinal));
        return Write(values);
    }

    /// <summary>The values of a meter state document, in document order, into <paramref name="into"/> (cleared first).</summary>
    /// <param name="scratch">Reused by the caller from reading to reading, so a reading builds no dictionary.</param>
    public static void MeterValues(MeterReading r, IReadOnlyDictionary<string, HaEntity>? entities, List<HaStateValue> into, Dictionary<string, double> scratch)
    {
        into.Clear();
        scratch.Clear();
        foreach (var m in r.Metrics) scratch[m.Key] = m.Value;
        foreach (var (key, e) in entities ?? MeterEntities.ByMetric)
        {
            // Meter values are computed (scaled registers): 640.8000000000001 would be noise in Home Assistant's history.
            into.Add(scratch.TryGetValue(key, out var d) ? HaStateValue.Of(e.Key, Math.Round(d, 3)) : HaStateValue.Null(e.Key));
        }
        // The phase sequence belongs to the built-in meter table; a declared table may use the name for a row.
        if (entities is not null && entities != MeterEntities.ByMetric) return;
        into.Add(HaStateValue.Of(MeterEntities.PhaseSequence, r.PhaseSequence));
    }

    /// <summary>A flat state document of <paramref name="values"/>, in their order.</summary>
    public static byte[] Write(IReadOnlyList<HaStateValue> values)
    {
        return Write(w =>
        {
            foreach (var v in values)
            {
                if (v.Number is { } d) w.WriteNumber(v.Key, d);
                else if (v.Text is { } text) w.WriteString(v.Key, text);
                else w.WriteNull(v.Key);
            }
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
