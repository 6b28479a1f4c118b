using System.Text.Json.Serialization;

namespace Gateway.HomeAssistant;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(MustMonitorDocument))]
internal sealed partial class MustMonitorJsonContext : JsonSerializerContext;
