using System.Text.Json.Serialization;

namespace Gateway.Notifications;

/// <summary>ntfy's JSON publish form (POST to the server root; https://docs.ntfy.sh/publish/#publish-as-json).</summary>
public sealed record NtfyPayload(
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("priority")] int Priority,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags);
