using System.Text.Json.Serialization;

namespace Gateway.Notifications;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(DiscordPayload))]
[JsonSerializable(typeof(NtfyPayload))]
[JsonSerializable(typeof(WebhookPayload))]
public sealed partial class NotificationJsonContext : JsonSerializerContext;
