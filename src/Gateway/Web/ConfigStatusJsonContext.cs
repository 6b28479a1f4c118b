using System.Text.Json.Serialization;

namespace Gateway.Web;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(ConfigStatusReport))]
internal sealed partial class ConfigStatusJsonContext : JsonSerializerContext;
