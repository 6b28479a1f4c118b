using System.Text.Json.Serialization;

namespace Gateway.Shutdown;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(ShutdownProgress))]
[JsonSerializable(typeof(Gateway.Shutdown.PowerCycle.PowerCycleArm))]
internal sealed partial class ShutdownJsonContext : JsonSerializerContext;
