namespace Gateway.Notifications;

/// <summary>A send failed. <see cref="Retryable"/> is false for answers that will not change (401, 404, 400…).</summary>
public sealed class NotificationSendException(string message, bool retryable) : Exception(message)
{
    public bool Retryable { get; } = retryable;
}
