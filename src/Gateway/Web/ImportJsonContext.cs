using System.Text.Json.Serialization;

namespace Gateway.Web;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(ImportReply))]
internal sealed partial class ImportJsonContext : JsonSerializerContext;
