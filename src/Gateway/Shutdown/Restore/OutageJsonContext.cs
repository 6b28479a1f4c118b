using System.Text.Json.Serialization;

namespace Gateway.Shutdown.Restore;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(OutageRecord))]
[JsonSerializable(typeof(List<OutageRecord>))]
[JsonSerializable(typeof(List<Gateway.Battery.BatterySelfTestResult>))]
[JsonSerializable(typeof(List<Gateway.Battery.BatteryHealthPoint>))]
internal sealed partial class OutageJsonContext : JsonSerializerContext;
