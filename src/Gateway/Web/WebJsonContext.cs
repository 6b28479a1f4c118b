using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Hosting;
using Gateway.Web.Settings;
using Gateway.Web.SignIn;
using Gateway.Setup;
using Gateway.Web.Setup;

namespace Gateway.Web;

/// <summary>Source-generated JSON for the web API (no reflection: AOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(ComponentHealth))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(TelemetryReport))]
[JsonSerializable(typeof(DeviceTelemetry))]
[JsonSerializable(typeof(HistoryReport))]
[JsonSerializable(typeof(EventsReport))]
[JsonSerializable(typeof(PolicyReport))]
[JsonSerializable(typeof(CommandReply))]
[JsonSerializable(typeof(RehearsalReport))]
[JsonSerializable(typeof(DashboardState))]
[JsonSerializable(typeof(SessionState))]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(SetupRequest))]
[JsonSerializable(typeof(PasswordChangeRequest))]
[JsonSerializable(typeof(ConfigErrorsReply))]
[JsonSerializable(typeof(ConfigSaveReply))]
[JsonSerializable(typeof(ToolResult))]
[JsonSerializable(typeof(SerialPortList))]
[JsonSerializable(typeof(SerialProbeRequest))]
[JsonSerializable(typeof(NutTestRequest))]
[JsonSerializable(typeof(MqttTestRequest))]
[JsonSerializable(typeof(SshTestRequest))]
[JsonSerializable(typeof(IndicatorTestRequest))]
[JsonSerializable(typeof(SetupOverview))]
public sealed partial class WebJsonContext : JsonSerializerContext
{
    /// <summary>
    /// What the API writes: like <see cref="Default"/> but with apostrophes, &lt; and &gt; left readable
    /// (replies are application/json or SSE data, never pasted into HTML; the dashboard escapes what it shows).
    /// </summary>
    public static WebJsonContext Api { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
