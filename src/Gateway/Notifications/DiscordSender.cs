using Gateway.Readings;

namespace Gateway.Notifications;

/// <summary>Discord webhook with colour-coded embeds: red critical, orange warning, green good news, blue dry run.</summary>
public sealed class DiscordSender(HttpClient http, string webhookUrl) : HttpNotificationSender(http)
{
    public const int Red = 0xE74C3C, Orange = 0xE67E22, Green = 0x2ECC71, Blue = 0x3498DB, Grey = 0x95A5A6;

    public override string Name => "discord";

    public static int ColorOf(Notification n) =>
        n.Data.GetValueOrDefault("dry_run") == "true" ? Blue
        : n.Kind is EventKinds.PowerRestored or EventKinds.DeviceBack or EventKinds.ShutdownCancelled ? Green
        : n.Severity switch { EventSeverity.Critical => Red, EventSeverity.Warning => Orange, _ => n.Kind == EventKinds.PowerQuality ? Green : Grey };

    public static DiscordPayload Payload(Notification n)
    {
        var fields = new List<DiscordField>();
        if (n.DeviceId is { } d) fields.Add(new DiscordField("Device", d, true));
        foreach (var key in new[] { "trigger", "step", "outcome", "runtime_left_s", "battery_charge", "condition" })
            if (n.Data.TryGetValue(key, out var v)) fields.Add(new DiscordField(key, Truncate(v, 1024), true));
        return new DiscordPayload("Power Gateway",
            [new DiscordEmbed(Truncate(n.Title, 256), Truncate(n.Message, 4096), ColorOf(n), n.At, fields, new DiscordFooter(n.Gateway))]);
    }

    protected override HttpRequestMessage BuildRequest(Notification n) => new(HttpMethod.Post, webhookUrl)
    {
        Content = SerializedJsonContent.Create(Payload(n), NotificationJsonContext.Default.DiscordPayload),
    };

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
