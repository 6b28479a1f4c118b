using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Readings;

namespace Gateway.HomeAssistant;

/// <summary>A gateway event as published on <c>&lt;base&gt;/events</c>.</summary>
public static class HaEventDocument
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(GatewayEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("at", e.At);
            w.WriteString("kind", e.Kind);
            w.WriteString("severity", e.Severity.ToString().ToLowerInvariant());
            w.WriteString("message", e.Message);
            if (e.DeviceId is { } d) w.WriteString("device", d);
            else w.WriteNull("device");
            if (e.Data is { Count: > 0 } data)
            {
                w.WriteStartObject("data");
                foreach (var (k, v) in data) w.WriteString(k, v);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
