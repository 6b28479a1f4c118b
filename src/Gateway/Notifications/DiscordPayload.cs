using System.Text.Json.Serialization;

namespace Gateway.Notifications;

/// <summary>A Discord webhook message with one embed (https://discord.com/developers/docs/resources/webhook#execute-webhook).</summary>
public sealed record DiscordPayload(
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("embeds")] IReadOnlyList<DiscordEmbed> Embeds);

public sealed record DiscordEmbed(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("color")] int Color,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("fields")] IReadOnlyList<DiscordField> Fields,
    [property: JsonPropertyName("footer")] DiscordFooter Footer);

public sealed record DiscordField(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("inline")] bool Inline);

public sealed record DiscordFooter([property: JsonPropertyName("text")] string Text);
