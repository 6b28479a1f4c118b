using System.Text.Json.Serialization;
using Gateway.Hosting;
using Gateway.Web.Settings;
using Gateway.Web.SignIn;
using Gateway.Setup;
using Gateway.Web.Setup;

namespace Gateway.Web;

/// <summary>
/// Source-generated JSON for what the web API only writes (replies, the live stream): serialization-only, so the
/// binary carries the fast-path writers and no property metadata. Written through
/// <see cref="SerializedJsonResult.Api{T}"/>, which keeps apostrophes, &lt; and &gt; readable as the API always did.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    GenerationMode = JsonSourceGenerationMode.Serialization)]
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
[JsonSerializable(typeof(ConfigErrorsReply))]
[JsonSerializable(typeof(ConfigSaveReply))]
[JsonSerializable(typeof(ToolResult))]
[JsonSerializable(typeof(SerialPortList))]
[JsonSerializable(typeof(SetupOverview))]
public sealed partial class WebReplyJsonContext : JsonSerializerContext;
