using System.Net;
using System.Text.Json;
using Gateway.Storage;
using Gateway.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Web;

/// <summary>Live streams are capped and share one serialisation per change; history queries wait in one bounded line.</summary>
public sealed class WebLimitsTests
{
    private static async Task<string> NextDataLine(StreamReader reader, CancellationToken ct)
    {
        while (await reader.ReadLineAsync(ct) is { } line)
            if (line.StartsWith("data: ", StringComparison.Ordinal)) return line[6..];
        throw new EndOfStreamException();
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task Streams_beyond_max_streams_get_503_and_a_closed_stream_frees_its_slot()
    {
        await using var host = await ApiTestHost.StartAsync("web:\n  max_streams: 3\n");
        var open = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var r = await host.Client.GetAsync("/api/stream", HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                open.Add(r);
            }
            using var refused = await host.Client.GetAsync("/api/stream", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("too many live streams", error.GetProperty("error").GetString());
            Assert.Contains("web.max_streams", error.GetProperty("detail").GetString());

            open[0].Dispose();
            open.RemoveAt(0);
            var broadcaster = host.Services.GetRequiredService<LiveStreamBroadcaster>();
            await Wait.UntilAsync(() => broadcaster.Streams == 2, "the closed stream to give its slot back");
            var again = await host.Client.GetAsync("/api/stream", HttpCompletionOption.ResponseHeadersRead);
            open.Add(again);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        finally
        {
            foreach (var r in open) r.Dispose();
        }
    }

    [Fact]
    public async Task Twenty_streams_get_every_change_from_one_serialisation_per_change()
    {
        await using var host = await ApiTestHost.StartAsync();
        var broadcaster = host.Services.GetRequiredService<LiveStreamBroadcaster>();
        host.Hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow, input: 231));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var streams = new List<(HttpResponseMessage Response, StreamReader Reader)>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var r = await host.Client.GetAsync("/api/stream", HttpCompletionOption.ResponseHeadersRead, cts.Token);
                streams.Add((r, new StreamReader(await r.Content.ReadAsStreamAsync(cts.Token))));
            }
            foreach (var (_, reader) in streams) await NextDataLine(reader, cts.Token);
            var before = broadcaster.Serialisations;
            host.Hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow, input: 198));
            foreach (var (_, reader) in streams)
                while (!(await NextDataLine(reader, cts.Token)).Contains("198", StringComparison.Ordinal)) { }
            var used = broadcaster.Serialisations - before;
            // One for the change, perhaps one more for the 5 s refresh; never one per stream.
            Assert.InRange(used, 1, 3);
        }
        finally
        {
            foreach (var (r, reader) in streams)
            {
                reader.Dispose();
                r.Dispose();
            }
        }
    }

    [Fact]
    public async Task History_queries_run_one_at_a_time_off_the_thread_pool_and_a_full_queue_answers_503()
    {
        var store = new BlockingHistoryStore();
        await using var host = await ApiTestHost.StartAsync(configure: s => s.AddSingleton<IHistoryStore>(store));
        host.Hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow));
        var first = host.Client.GetAsync("/api/history/ups?metric=battery.charge");
        await Wait.UntilAsync(() => store.Running == 1 || first.IsCompleted, "the first query to start");
        Assert.False(first.IsCompleted, first.IsCompleted ? await (await first).Content.ReadAsStringAsync() : "");
        var waiting = Enumerable.Range(0, HistoryReader.MaxWaiting).Select(_ => host.Client.GetAsync("/api/history/ups?metric=battery.charge")).ToArray();
        var reader = host.Services.GetRequiredService<HistoryReader>();
        using (var busy = await WaitForBusyAsync(host))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.Equal("history is busy", JsonDocument.Parse(await busy.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        }
        Assert.Equal("history-reader", store.ThreadName);
        Assert.False(store.OnThreadPool);
        store.Release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        // The waiting ones race the probes for the queue: each is either answered or refused at once, never lost.
        var statuses = (await Task.WhenAll(waiting)).Select(r => r.StatusCode).ToArray();
        Assert.All(statuses, c => Assert.True(c is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, c.ToString()));
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Equal(1, store.MaxConcurrent);
        Assert.True(reader.Refused >= 1);
    }

    /// <summary>Sends queries until one is refused (the waiting ones may still be on their way to the queue).</summary>
    private static async Task<HttpResponseMessage> WaitForBusyAsync(ApiTestHost host)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var r = await host.Client.GetAsync("/api/history/ups?metric=battery.charge", HttpCompletionOption.ResponseHeadersRead,
                new CancellationTokenSource(TimeSpan.FromMilliseconds(500)).Token).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);
            if (r?.StatusCode == HttpStatusCode.ServiceUnavailable) return r;
            r?.Dispose();
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no history query was refused");
        }
    }

    private sealed class BlockingHistoryStore : IHistoryStore
    {
        private int _running;
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Running => Volatile.Read(ref _running);
        public int MaxConcurrent { get; private set; }
        public string? ThreadName { get; private set; }
        public bool OnThreadPool { get; private set; }

        public Task<IReadOnlyList<HistoryPoint>> QueryAsync(string deviceId, string metric, DateTimeOffset from, DateTimeOffset to, int maxPoints, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _running);
            lock (this) MaxConcurrent = Math.Max(MaxConcurrent, now);
            ThreadName = Thread.CurrentThread.Name;
            OnThreadPool = Thread.CurrentThread.IsThreadPoolThread;
            // Blocks like SQLite does.
            Release.Task.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Decrement(ref _running);
            return Task.FromResult<IReadOnlyList<HistoryPoint>>([new HistoryPoint(from, 1)]);
        }

        public Task<IReadOnlyList<Gateway.Readings.GatewayEvent>> EventsAsync(int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Gateway.Readings.GatewayEvent>>([]);
    }

    [Fact]
    public async Task An_action_announcing_a_body_over_the_limit_gets_413_without_running()
    {
        await using var host = await ApiTestHost.StartAsync($"web:\n  api_token: {ApiTestHost.Token}\n");
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(host.Client.BaseAddress!.Host, host.Client.BaseAddress.Port);
        var s = tcp.GetStream();
        // 10 MB announced, a little sent: the shutdown rehearsal reads no body, so only an up-front check refuses it.
        var head = $"POST /api/shutdown/test HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ApiTestHost.Token}\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{{";
        await s.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(s);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var status = await reader.ReadLineAsync(cts.Token);
        Assert.Equal("HTTP/1.1 413 Payload Too Large", status);
        // A body within the limit still reaches the endpoint.
        var (ok, _) = await host.PostJson("/api/shutdown/test", "{}");
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, ok.StatusCode);
    }
}
