using System.Text.Json.Serialization;
using Gateway.Configuration;

namespace Gateway.LiveApply;

/// <summary>
/// The options records as JSON, only to compare two configurations by value (records compare lists by reference).
/// Keys are snake_case, so a changed property names its YAML key.
/// </summary>
// Serialization only (the fingerprint is never read back) and no converters (a converter in the options turns the
// generated fast path off): 289,520 bytes less binary than a full context (bench/results.md, binary size).
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(GatewayOptions))]
[JsonSerializable(typeof(MustDeviceOptions))]
[JsonSerializable(typeof(Em340DeviceOptions))]
[JsonSerializable(typeof(NutDeviceOptions))]
[JsonSerializable(typeof(Gateway.DeviceTypes.ModbusTable.ModbusTableDeviceOptions))]
[JsonSerializable(typeof(MqttOptions))]
[JsonSerializable(typeof(NutServerOptions))]
[JsonSerializable(typeof(WebOptions))]
[JsonSerializable(typeof(HistoryOptions))]
[JsonSerializable(typeof(PolicyOptions))]
[JsonSerializable(typeof(ShutdownOptions))]
[JsonSerializable(typeof(GpioOptions))]
[JsonSerializable(typeof(NotificationsOptions))]
[JsonSerializable(typeof(LoggingOptions))]
[JsonSerializable(typeof(BatteryOptions))]
internal sealed partial class ConfigFingerprintJsonContext : JsonSerializerContext;
