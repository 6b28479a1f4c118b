using System.Net;

namespace Gateway.Notifications;

/// <summary>Posts a request and turns the answer into success or a <see cref="NotificationSendException"/> without any URL or token in the message.</summary>
public abstract class HttpNotificationSender(HttpClient http) : INotificationSender
{
    public abstract string Name { get; }

    protected abstract HttpRequestMessage BuildRequest(Notification notification);

    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        using var request = BuildRequest(notification);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new NotificationSendException($"{Name}: request failed ({e.HttpRequestError})", retryable: true);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode) return;
            var code = (int)response.StatusCode;
            var retryable = code >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
            throw new NotificationSendException($"{Name}: HTTP {code} {response.ReasonPhrase}", retryable);
        }
    }
}
