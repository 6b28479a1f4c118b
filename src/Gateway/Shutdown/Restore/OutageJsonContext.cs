using System.Text.Json.Serialization;

namespace Gateway.Shutdown.Restore;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(OutageRecord))]
[JsonSerializable(typeof(List<OutageRecord>))]
[JsonSerializable(typeof(OutagesReport))]
internal sealed partial class OutageJsonContext : JsonSerializerContext;
