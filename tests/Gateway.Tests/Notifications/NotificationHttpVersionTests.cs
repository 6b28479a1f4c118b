using System.Net;
using Gateway.Notifications;
using Gateway.Readings;

namespace Gateway.Tests.Notifications;

/// <summary>
/// Every notification request is HTTP/1.1 that allows nothing higher: for such a request SocketsHttpHandler never asks
/// its pool for an HTTP/2 connection, which is what the native AOT build relies on to drop HttpClient's HTTP/2
/// (src/Gateway/Trimming/HttpClientHttp1Only.xml). A sender that asked for HTTP/2 (Version 2.0, or
/// RequestVersionOrHigher over https) would need that code, and fails here.
/// </summary>
public sealed class NotificationHttpVersionTests
{
    [Fact]
    public async Task Every_channel_sends_HTTP11_requests_that_never_ask_for_HTTP2()
    {
        var config = TestConfig.Load("""
            notifications:
              discord: { webhook_url: "https://discord.example/api/webhooks/1/x" }
              ntfy: { server: "https://ntfy.example", topic: ups }
              webhook: { url: "https://hooks.example/power" }
            """);
        var handler = new RecordingHandler();
        using var http = new HttpClient(handler);
        var senders = NotificationChannels.For(config.Notifications, http);
        Assert.Equal(3, senders.Count);
        var n = new Notification("power_lost", EventSeverity.Critical, "Power lost", "on battery", DateTimeOffset.UnixEpoch, "ups", false, "gw",
            new Dictionary<string, string>());
        foreach (var sender in senders) await sender.SendAsync(n, CancellationToken.None);

        Assert.Equal(3, handler.Seen.Count);
        Assert.All(handler.Seen, r =>
        {
            Assert.Equal(HttpVersion.Version11, r.Version);
            Assert.Equal(HttpVersionPolicy.RequestVersionOrLower, r.Policy);
        });
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<(Version Version, HttpVersionPolicy Policy)> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Seen) Seen.Add((request.Version, request.VersionPolicy));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
