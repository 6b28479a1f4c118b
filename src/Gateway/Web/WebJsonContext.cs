using System.Text.Json.Serialization;
using Gateway.Hosting;

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
public sealed partial class WebJsonContext : JsonSerializerContext;
