using Gateway.Notifications;
using Gateway.Readings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Notifications;

/// <summary>A notification endpoint that accepts the request and never answers: given up at the timeout, said in one line, nothing else waits.</summary>
public sealed class HangingEndpointTests
{
    [Fact]
    public async Task A_hanging_endpoint_is_given_up_at_the_timeout_while_events_keep_flowing()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var hanging = new RecordingHttpServer { Hold = new TaskCompletionSource() };
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var events = new EventBus(NullLogger<EventBus>.Instance);
        var log = new ListLogger<NotificationDispatcher>();
        var config = TestConfig.Load("notifications:\n  retries: 0\n  timeout: 5s\n");
        using var d = new NotificationDispatcher(config, events, [new WebhookSender(http, hanging.Url("/hook"))], time, log);
        await d.StartAsync(CancellationToken.None);
        using var other = events.Subscribe("policy-stand-in");

        events.Publish(new GatewayEvent(time.GetUtcNow(), EventKinds.PowerLost, EventSeverity.Warning, "on battery", "ups"));
        await hanging.WaitForAsync(1);
        // The endpoint holds the request; everything else goes on.
        for (var i = 0; i < 100; i++) events.Publish(new GatewayEvent(time.GetUtcNow(), EventKinds.Alarm, EventSeverity.Info, $"alarm {i}", "ups"));
        Assert.Equal(101, other.Reader.Count);

        time.Advance(TimeSpan.FromSeconds(5));
        await Wait.UntilAsync(() => d.Failed >= 1, "the attempt to be given up at the timeout");
        var line = Assert.Single(log.Lines, l => l.Message.Contains("not delivered", StringComparison.Ordinal));
        Assert.Contains("no answer within 5s", line.Message);
        Assert.Null(line.Exception);

        hanging.Hold.TrySetResult();
        // Stopping drains for a while on the (virtual) clock.
        var stop = d.StopAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!stop.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(10);
        }
        await stop;
    }
}
