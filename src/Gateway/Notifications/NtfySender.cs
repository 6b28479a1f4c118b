using System.Net.Http.Headers;
using Gateway.Readings;

namespace Gateway.Notifications;

/// <summary>ntfy (self-hosted or ntfy.sh): JSON publish with priority and tags; an access token if configured.</summary>
public sealed class NtfySender(HttpClient http, string server, string topic, string? token) : HttpNotificationSender(http)
{
    public override string Name => "ntfy";

    public static NtfyPayload Payload(Notification n, string topic)
    {
        var priority = n.Severity switch { EventSeverity.Critical => 5, EventSeverity.Warning => 4, _ => 3 };
        var tag = n.Kind switch
        {
            EventKinds.PowerRestored or EventKinds.DeviceBack or EventKinds.ShutdownCancelled => "white_check_mark",
            EventKinds.PowerLost => "battery",
            _ => n.Severity switch { EventSeverity.Critical => "rotating_light", EventSeverity.Warning => "warning", _ => "information_source" },
        };
        return new NtfyPayload(topic, n.Title, n.Message, priority, [tag, n.Kind]);
    }

    protected override HttpRequestMessage BuildRequest(Notification n)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, server.TrimEnd('/') + "/")
        {
            Content = SerializedJsonContent.Create(Payload(n, topic), NotificationJsonContext.Default.NtfyPayload),
        };
        if (!string.IsNullOrEmpty(token)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}
