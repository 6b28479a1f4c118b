using Gateway.Tests.Support;
using System.Text.Json;
using Gateway.Configuration;
using Gateway.Notifications;
using Gateway.Readings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Notifications;

/// <summary>The dispatcher with the real senders against a local HTTP listener: payloads, retries, secrets.</summary>
public sealed class NotificationDispatcherTests : IDisposable
{
    private const string DiscordSecret = "s3cr3t-webhook-token";
    private const string NtfyToken = "tk_n0tf0ry0ur3y3s";
    private readonly RecordingHttpServer _server = new();
    private readonly EventBus _events = new(NullLogger<EventBus>.Instance);
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly ListLogger<NotificationDispatcher> _log = new();

    public void Dispose()
    {
        _server.Dispose();
        _http.Dispose();
    }

    private GatewayConfig Config(int retries = 3) => TestConfig.Load($"""
        gateway: {"{"} name: lab {"}"}
        notifications:
          retries: {retries}
          timeout: 5s
        """);

    private NotificationDispatcher Start(TimeProvider time, int retries = 3, params INotificationSender[] senders)
    {
        var d = new NotificationDispatcher(Config(retries), _events, senders, time, _log);
        d.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return d;
    }

    private static GatewayEvent Trigger() => new(DateTimeOffset.Parse("2026-11-25T12:00:00Z"), EventKinds.TriggerFired, EventSeverity.Critical,
        "Shutdown trigger runtime: remaining runtime 5m is below 10m on battery; battery runtime left 5m", "ups",
        new Dictionary<string, string> { ["trigger"] = "runtime", ["reason"] = "remaining runtime 5m is below 10m on battery", ["runtime_left_s"] = "300", ["dry_run"] = "false" });

    [Fact]
    public async Task Discord_gets_a_colour_coded_embed()
    {
        using var d = Start(TimeProvider.System, 3, new DiscordSender(_http, _server.Url($"/api/webhooks/1/{DiscordSecret}")));
        _events.Publish(Trigger());
        _events.Publish(new GatewayEvent(DateTimeOffset.UtcNow, EventKinds.PowerRestored, EventSeverity.Info, "Power restored (OL CHRG)", "ups"));
        var first = await _server.WaitForAsync(1);
        var second = await _server.WaitForAsync(2);
        await d.StopAsync(CancellationToken.None);

        Assert.Equal("POST", first.Method);
        Assert.Equal($"/api/webhooks/1/{DiscordSecret}", first.Path);
        using var doc = JsonDocument.Parse(first.Body);
        var embed = doc.RootElement.GetProperty("embeds")[0];
        Assert.Equal("Shutdown triggered: ups", embed.GetProperty("title").GetString());
        Assert.Equal(DiscordSender.Red, embed.GetProperty("color").GetInt32());
        Assert.Contains("runtime left 5m", embed.GetProperty("description").GetString());
        Assert.Equal("lab", embed.GetProperty("footer").GetProperty("text").GetString());
        Assert.Equal("2026-11-25T12:00:00+00:00", embed.GetProperty("timestamp").GetString());
        var fields = embed.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("value").GetString());
        Assert.Equal("runtime", fields["trigger"]);
        Assert.Equal("300", fields["runtime_left_s"]);
        using var doc2 = JsonDocument.Parse(second.Body);
        Assert.Equal(DiscordSender.Green, doc2.RootElement.GetProperty("embeds")[0].GetProperty("color").GetInt32());
    }

    [Fact]
    public async Task Ntfy_gets_topic_priority_tags_and_the_token()
    {
        using var d = Start(TimeProvider.System, 3, new NtfySender(_http, _server.Url("/"), "power", NtfyToken));
        _events.Publish(Trigger());
        var r = await _server.WaitForAsync(1);
        await d.StopAsync(CancellationToken.None);

        Assert.Equal("/", r.Path);
        Assert.Equal($"Bearer {NtfyToken}", r.Headers["Authorization"]);
        using var doc = JsonDocument.Parse(r.Body);
        Assert.Equal("power", doc.RootElement.GetProperty("topic").GetString());
        Assert.Equal(5, doc.RootElement.GetProperty("priority").GetInt32());
        Assert.Equal("Shutdown triggered: ups", doc.RootElement.GetProperty("title").GetString());
        Assert.Contains("rotating_light", doc.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task The_webhook_gets_the_event_as_json_with_crisis_for_shutdown_steps()
    {
        using var d = Start(TimeProvider.System, 3, new WebhookSender(_http, _server.Url("/hook")));
        _events.Publish(new GatewayEvent(DateTimeOffset.UtcNow, EventKinds.ShutdownStep, EventSeverity.Info, "Step 3/7 sync: ok: sync: exit code 0", null,
            new Dictionary<string, string> { ["step"] = "sync", ["outcome"] = "ok", ["dry_run"] = "true" }));
        _events.Publish(new GatewayEvent(DateTimeOffset.UtcNow, EventKinds.PowerQuality, EventSeverity.Warning, "Brownout: input voltage 188 V (below 195 V)", "ups",
            new Dictionary<string, string> { ["condition"] = "brownout", ["active"] = "true" }));
        var step = await _server.WaitForAsync(1);
        var pq = await _server.WaitForAsync(2);
        await d.StopAsync(CancellationToken.None);

        using var doc = JsonDocument.Parse(step.Body);
        Assert.Equal("shutdown_step", doc.RootElement.GetProperty("kind").GetString());
        Assert.True(doc.RootElement.GetProperty("crisis").GetBoolean());
        Assert.Equal("[DRY-RUN] Shutdown step", doc.RootElement.GetProperty("title").GetString());
        Assert.Equal("sync", doc.RootElement.GetProperty("data").GetProperty("step").GetString());
        Assert.Equal("lab", doc.RootElement.GetProperty("gateway").GetString());
        using var doc2 = JsonDocument.Parse(pq.Body);
        Assert.Equal("warning", doc2.RootElement.GetProperty("severity").GetString());
        Assert.False(doc2.RootElement.GetProperty("crisis").GetBoolean());
        Assert.Equal("ups", doc2.RootElement.GetProperty("device").GetString());
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_in_virtual_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _server.Respond(500, 503);
        using var d = Start(time, 3, new WebhookSender(_http, _server.Url("/hook")));
        _events.Publish(Trigger());
        await _server.WaitForAsync(1);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (d.Sent == 0 && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(20);
        }
        var stop = d.StopAsync(CancellationToken.None);
        while (!stop.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(10);
        }
        await stop;
        Assert.Equal(1, d.Sent);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task Client_errors_are_not_retried_and_no_secret_is_logged()
    {
        _server.Respond(404);
        using var d = Start(TimeProvider.System, 1,
            new DiscordSender(_http, _server.Url($"/api/webhooks/1/{DiscordSecret}")),
            new NtfySender(_http, $"http://127.0.0.1:{RecordingPort()}/", "power", NtfyToken));
        _events.Publish(Trigger());
        await Wait.UntilAsync(() => d.Failed >= 2, "both senders to fail", TimeSpan.FromSeconds(30));
        await d.StopAsync(CancellationToken.None);

        Assert.Equal(2, d.Failed);
        Assert.Single(_server.Requests);
        Assert.Contains(_log.Lines, l => l.Text.Contains("HTTP 404"));
        Assert.Contains(_log.Lines, l => l.Text.Contains("ntfy: request failed"));
        Assert.DoesNotContain(_log.Lines, l => l.Text.Contains(DiscordSecret) || l.Text.Contains(NtfyToken));
    }

    [Fact]
    public async Task A_hanging_channel_does_not_delay_the_others_or_the_publisher()
    {
        using var slow = new RecordingHttpServer { Hold = new TaskCompletionSource() };
        using var d = Start(TimeProvider.System, 0, new WebhookSender(_http, slow.Url("/slow")), new WebhookSender(_http, _server.Url("/fast")));
        // Publishing returns while the slow channel still hangs (it is held until the end of the test).
        await Task.Run(() => { for (var i = 0; i < 5; i++) _events.Publish(Trigger()); }).WaitAsync(TimeSpan.FromSeconds(30));
        await _server.WaitForAsync(5);
        Assert.False(slow.Hold.Task.IsCompleted);
        Assert.Single(slow.Requests);
        slow.Hold.TrySetResult();
        await d.StopAsync(CancellationToken.None);
    }

    /// <summary>A port with nothing listening (connection refused).</summary>
    private static int RecordingPort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
