using System.Text.Json.Serialization;

namespace Gateway.Shutdown.Restore;

/// <summary>
/// The outage and battery API replies: only ever written, so serialization-only (fast-path writers, no property
/// metadata: a smaller binary). Same options as <see cref="OutageJsonContext"/>, which keeps the state files it reads back.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(OutagesReport))]
[JsonSerializable(typeof(Gateway.Web.OutageTimeline))]
[JsonSerializable(typeof(Gateway.Battery.BatteryReport))]
internal sealed partial class OutageReplyJsonContext : JsonSerializerContext;
