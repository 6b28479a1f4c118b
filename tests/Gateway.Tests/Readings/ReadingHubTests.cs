using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Readings;

public class ReadingHubTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private ReadingHub NewHub() => new(_time, NullLogger<ReadingHub>.Instance);

    private UpsReading Ups(string id, string status = "OL", double charge = 100) =>
        new(id, _time.GetUtcNow(), TimeSpan.FromSeconds(3), UpsStatus.Parse(status), new Dictionary<string, string> { [NutNames.BatteryCharge] = charge.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    [Fact]
    public void RegisteredDeviceStartsConnectingAndBecomesConnectedOnFirstReading()
    {
        var hub = NewHub();
        hub.Register("ups", "must", DeviceKind.Ups);
        Assert.Equal(LinkState.Connecting, hub.Get("ups")!.Link);
        hub.Publish(Ups("ups"));
        var s = hub.Get("ups")!;
        Assert.Equal(LinkState.Connected, s.Link);
        Assert.Equal("must", s.Type);
        Assert.Equal(100, ((UpsReading)s.Latest!).BatteryCharge);
    }

    [Fact]
    public async Task EverySubscriberSeesEveryChangeInOrder()
    {
        var hub = NewHub();
        using var a = hub.Subscribe("a");
        using var b = hub.Subscribe("b");
        hub.Publish(Ups("ups", charge: 90));
        hub.ReportLinkState("ups", LinkState.Lost, "unplugged");
        hub.Publish(Ups("ups", charge: 80));
        foreach (var sub in new[] { a, b })
        {
            var events = new List<HubEvent>();
            while (sub.Reader.TryRead(out var e)) events.Add(e);
            Assert.Collection(events,
                e => Assert.Equal(LinkState.Connected, Assert.IsType<LinkStateChanged>(e).Current),
                e => Assert.Equal(90, ((UpsReading)Assert.IsType<ReadingPublished>(e).Reading).BatteryCharge),
                e => Assert.Equal("unplugged", Assert.IsType<LinkStateChanged>(e).Reason),
                e => Assert.Equal(LinkState.Connected, Assert.IsType<LinkStateChanged>(e).Current),
                e => Assert.Equal(80, ((UpsReading)Assert.IsType<ReadingPublished>(e).Reading).BatteryCharge));
        }
        await Task.CompletedTask;
    }

    [Fact]
    public async Task ASlowSubscriberBlocksNeitherThePublisherNorOtherSubscribers()
    {
        var hub = NewHub();
        using var slow = hub.Subscribe("slow", capacity: 16);   // never reads
        using var fast = hub.Subscribe("fast", capacity: 20_000);
        var received = 0;
        var reader = Task.Run(async () =>
        {
            await foreach (var e in fast.Reader.ReadAllAsync())
                if (e is ReadingPublished && Interlocked.Increment(ref received) == 10_000) return;
        });

        for (var i = 0; i < 10_000; i++) hub.Publish(Ups("ups", charge: i % 100));

        await reader.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(10_000, Volatile.Read(ref received));
        Assert.Equal(0, fast.Dropped);
        // The slow one kept only its last 16 events and counted the rest as dropped; the publisher never waited on it.
        Assert.Equal(10_001 - 16, slow.Dropped);
        var kept = 0;
        while (slow.Reader.TryRead(out _)) kept++;
        Assert.Equal(16, kept);
        Assert.Equal(99, ((UpsReading)hub.Get("ups")!.Latest!).BatteryCharge);
    }

    [Fact]
    public void RepeatingALinkStateIsNotAChange()
    {
        var hub = NewHub();
        hub.Register("m", "em340", DeviceKind.Meter);
        using var sub = hub.Subscribe("s");
        hub.ReportLinkState("m", LinkState.Lost, "a");
        hub.ReportLinkState("m", LinkState.Lost, "b");
        Assert.True(sub.Reader.TryRead(out var e));
        Assert.Equal(LinkState.Connecting, ((LinkStateChanged)e).Previous);
        Assert.False(sub.Reader.TryRead(out _));
        Assert.Equal("a", hub.Get("m")!.LinkReason);
    }

    [Fact]
    public void OldReadingsMakeAConnectedDeviceStale()
    {
        var hub = NewHub();
        hub.Publish(Ups("ups"));
        _time.Advance(TimeSpan.FromSeconds(3));
        hub.CheckFreshness();
        Assert.Equal(LinkState.Connected, hub.Get("ups")!.Link);
        Assert.NotNull(hub.Get("ups")!.Fresh(_time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(1));
        hub.CheckFreshness();
        var s = hub.Get("ups")!;
        Assert.Equal(LinkState.Stale, s.Link);
        Assert.Null(s.Fresh(_time.GetUtcNow()));
        Assert.Contains("no new reading", s.LinkReason);
        hub.Publish(Ups("ups"));
        Assert.Equal(LinkState.Connected, hub.Get("ups")!.Link);
    }

    [Fact]
    public async Task AnInlineSubscriberHasReadTheEventWhenPublishReturnsAndQueuedOnesAreOfferedFirst()
    {
        var hub = NewHub();
        using var inline = hub.Subscribe("inline", inline: true);
        using var queued = hub.Subscribe("queued");
        var seen = new List<(HubEvent Event, int Thread, int QueuedAhead)>();
        async Task Loop()
        {
            await foreach (var e in inline.Reader.ReadAllAsync().ConfigureAwait(false))
                lock (seen) seen.Add((e, Environment.CurrentManagedThreadId, queued.Reader.Count));
        }
        // Called here, the loop runs up to its first wait on the empty queue and parks before Loop() returns; the
        // publish below must then run it on this thread before it returns.
        var loop = Loop();
        var publisher = Environment.CurrentManagedThreadId;
        hub.Publish(Ups("ups", charge: 90));
        lock (seen)
        {
            Assert.Equal(2, seen.Count);
            Assert.IsType<LinkStateChanged>(seen[0].Event);
            Assert.IsType<ReadingPublished>(seen[1].Event);
            Assert.All(seen, s => Assert.Equal(publisher, s.Thread));
            // The queued subscriber already had each event when the inline one ran (it is never delayed by it).
            Assert.Equal(1, seen[0].QueuedAhead);
            Assert.Equal(2, seen[1].QueuedAhead);
        }
        inline.Dispose();
        await loop.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void DisposedSubscriptionStopsReceiving()
    {
        var hub = NewHub();
        var sub = hub.Subscribe("s");
        sub.Dispose();
        hub.Publish(Ups("ups"));
        Assert.False(sub.Reader.TryRead(out _));
        Assert.True(sub.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void SnapshotIsSortedById()
    {
        var hub = NewHub();
        hub.Register("b", "em340", DeviceKind.Meter);
        hub.Register("a", "must", DeviceKind.Ups);
        Assert.Equal(["a", "b"], hub.Snapshot().Select(s => s.DeviceId));
    }
}
