namespace Gateway.Notifications;

/// <summary>One notification channel (Discord, ntfy, webhook). Throws <see cref="NotificationSendException"/> on failure.</summary>
public interface INotificationSender
{
    /// <summary>discord, ntfy or webhook — the only name that appears in logs (URLs and tokens are secrets).</summary>
    string Name { get; }

    Task SendAsync(Notification notification, CancellationToken cancellationToken);
}
