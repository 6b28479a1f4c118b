using Gateway.Configuration;

namespace Gateway.Notifications;

/// <summary>The senders the <c>notifications</c> section configures (none when it names no channel).</summary>
public static class NotificationChannels
{
    public static IReadOnlyList<INotificationSender> For(NotificationsOptions o, HttpClient http)
    {
        var senders = new List<INotificationSender>(3);
        if (o.DiscordWebhookUrl is { } discord) senders.Add(new DiscordSender(http, discord));
        if (o.NtfyServer is { } server && o.NtfyTopic is { } topic) senders.Add(new NtfySender(http, server, topic, o.NtfyToken));
        if (o.WebhookUrl is { } url) senders.Add(new WebhookSender(http, url));
        return senders;
    }
}
