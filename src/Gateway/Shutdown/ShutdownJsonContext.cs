using System.Text.Json.Serialization;

namespace Gateway.Shutdown;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ShutdownProgress))]
internal sealed partial class ShutdownJsonContext : JsonSerializerContext;
