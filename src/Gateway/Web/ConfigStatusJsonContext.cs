using System.Text.Json.Serialization;

namespace Gateway.Web;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ConfigStatusReport))]
internal sealed partial class ConfigStatusJsonContext : JsonSerializerContext;
