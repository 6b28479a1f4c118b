
namespace Gateway.Notifications;

/// <summary>A generic JSON webhook (Home Assistant webhook trigger, n8n, a script…).</summary>
public sealed class WebhookSender(HttpClient http, string url) : HttpNotificationSender(http)
{
    public override string Name => "webhook";

    public static WebhookPayload Payload(Notification n) => new(
        n.Gateway, n.Kind, n.Severity.ToString().ToLowerInvariant(), n.Title, n.Message, n.DeviceId, n.At, n.Crisis, n.Data);

    protected override HttpRequestMessage BuildRequest(Notification n) => new(HttpMethod.Post, url)
    {
        Content = SerializedJsonContent.Create(Payload(n), NotificationJsonContext.Default.WebhookPayload),
    };
}
