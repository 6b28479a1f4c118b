using System.Text.Json.Serialization;

namespace Gateway.HomeAssistant;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HaDiscoveryRecord))]
internal sealed partial class HomeAssistantJsonContext : JsonSerializerContext;
