using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Setup;

namespace Gateway.Web.Setup;

/// <summary>Source-generated JSON for the setup test endpoints (no reflection: AOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ToolResult))]
[JsonSerializable(typeof(SerialPortList))]
[JsonSerializable(typeof(SerialProbeRequest))]
[JsonSerializable(typeof(NutTestRequest))]
[JsonSerializable(typeof(MqttTestRequest))]
[JsonSerializable(typeof(SshTestRequest))]
[JsonSerializable(typeof(IndicatorTestRequest))]
[JsonSerializable(typeof(SetupOverview))]
public sealed partial class SetupJsonContext : JsonSerializerContext
{
    /// <summary>Like <see cref="Default"/> with apostrophes, &lt; and &gt; readable (replies are JSON; the page escapes what it shows).</summary>
    public static SetupJsonContext Api { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
