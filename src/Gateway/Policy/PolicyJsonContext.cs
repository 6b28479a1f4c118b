using System.Text.Json.Serialization;

namespace Gateway.Policy;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(PolicyMemory))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
