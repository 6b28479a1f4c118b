using System.Text.Json.Serialization;

namespace Gateway.Notifications;

/// <summary>The generic webhook body: the event as plain JSON.</summary>
public sealed record WebhookPayload(
    [property: JsonPropertyName("gateway")] string Gateway,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("device")] string? Device,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("crisis")] bool Crisis,
    [property: JsonPropertyName("data")] IReadOnlyDictionary<string, string> Data);
