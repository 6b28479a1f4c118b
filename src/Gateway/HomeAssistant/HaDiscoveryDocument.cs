using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Hosting;

namespace Gateway.HomeAssistant;

/// <summary>Writes one per-component discovery config (full key names; Home Assistant accepts them on every version).</summary>
public static class HaDiscoveryDocument
{
    public const string OriginName = "Power Gateway";
    public const string PressPayload = "PRESS";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="deviceId">The UPS or meter id, or null for the gateway's own entities.</param>
    /// <param name="expireAfter">Seconds after which Home Assistant marks the value unavailable, or null.</param>
    public static byte[] Write(HaTopics topics, string? deviceId, HaEntity e, HaDevice device, int? expireAfter)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("name", e.Name);
            w.WriteString("unique_id", topics.UniqueId(deviceId, e));
            w.WriteString("default_entity_id", topics.DefaultEntityId(deviceId, e));
            if (e.IsButton)
            {
                w.WriteString("command_topic", topics.Command(deviceId ?? "gateway", e.Key));
                w.WriteString("payload_press", PressPayload);
                w.WriteBoolean("retain", false);
            }
            else
            {
                w.WriteString("state_topic", topics.State(deviceId));
                w.WriteString("value_template", $"{{{{ value_json['{e.Key}'] }}}}");
                if (e.Component == HaComponents.BinarySensor)
                {
                    w.WriteString("payload_on", "ON");
                    w.WriteString("payload_off", "OFF");
                }
                if (expireAfter is { } ea) w.WriteNumber("expire_after", ea);
            }
            if (e.DeviceClass is { } dc) w.WriteString("device_class", dc);
            if (e.Unit is { } unit) w.WriteString("unit_of_measurement", unit);
            if (e.StateClass is { } sc) w.WriteString("state_class", sc);
            if (e.Precision is { } p) w.WriteNumber("suggested_display_precision", p);
            if (e.Options is { } options)
            {
                w.WriteStartArray("options");
                foreach (var o in options) w.WriteStringValue(o);
                w.WriteEndArray();
            }
            if (e.EntityCategory is { } cat) w.WriteString("entity_category", cat);
            if (e.Icon is { } icon) w.WriteString("icon", icon);
            w.WriteNumber("qos", 1);

            w.WriteStartArray("availability");
            w.WriteStartObject();
            w.WriteString("topic", topics.Status);
            w.WriteEndObject();
            if (deviceId is not null && e.FollowsDeviceLink)
            {
                w.WriteStartObject();
                w.WriteString("topic", topics.Availability(deviceId));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("availability_mode", "all");

            w.WriteStartObject("device");
            w.WriteStartArray("identifiers");
            foreach (var id in device.Identifiers) w.WriteStringValue(id);
            w.WriteEndArray();
            w.WriteString("name", device.Name);
            if (device.Manufacturer is { } mf) w.WriteString("manufacturer", mf);
            if (device.Model is { } mdl) w.WriteString("model", mdl);
            if (device.SerialNumber is { } sn) w.WriteString("serial_number", sn);
            if (device.SoftwareVersion is { } sw) w.WriteString("sw_version", sw);
            if (device.ViaDevice is { } via) w.WriteString("via_device", via);
            w.WriteEndObject();

            w.WriteStartObject("origin");
            w.WriteString("name", OriginName);
            w.WriteString("sw_version", StartInfo.Version);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
