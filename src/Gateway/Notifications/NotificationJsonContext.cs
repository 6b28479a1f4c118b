using System.Text.Json.Serialization;

namespace Gateway.Notifications;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DiscordPayload))]
[JsonSerializable(typeof(NtfyPayload))]
[JsonSerializable(typeof(WebhookPayload))]
public sealed partial class NotificationJsonContext : JsonSerializerContext;
