using System.Text;
using Gateway.HomeAssistant;

namespace Gateway.Tests.HomeAssistant;

public sealed class MqttOutboxTests
{
    private static MqttOutboxMessage State(int topic, int value) => new($"t/{topic}", Encoding.UTF8.GetBytes(value.ToString()), Retain: true);
    private static MqttOutboxMessage Event(int value) => new("t/events", Encoding.UTF8.GetBytes(value.ToString()), Retain: false);

    [Fact]
    public void Thousand_changes_keep_one_message_per_retained_topic_with_its_last_value()
    {
        var outbox = new MqttOutbox();
        for (var i = 0; i < 1000; i++) outbox.Enqueue(State(i % 10, i));
        Assert.Equal(10, outbox.Count);
        Assert.Equal(10 * 3, outbox.PayloadBytes);
        var seen = new Dictionary<string, string>();
        while (outbox.TryDequeue(out var m)) seen[m.Topic] = Encoding.UTF8.GetString(m.Payload);
        for (var t = 0; t < 10; t++) Assert.Equal((990 + t).ToString(), seen[$"t/{t}"]);
        Assert.Equal(0, outbox.PayloadBytes);
    }

    [Fact]
    public void Events_stay_in_order_and_the_oldest_are_dropped_beyond_the_bound()
    {
        var outbox = new MqttOutbox(maxRetainedTopics: 100, maxEvents: 50);
        for (var i = 0; i < 120; i++) outbox.Enqueue(Event(i));
        Assert.Equal(50, outbox.EventCount);
        Assert.Equal(70, outbox.Dropped);
        var values = new List<int>();
        while (outbox.TryDequeue(out var m)) values.Add(int.Parse(Encoding.UTF8.GetString(m.Payload)));
        Assert.Equal(Enumerable.Range(70, 50), values);
    }

    [Fact]
    public void A_failed_publish_goes_back_unless_a_newer_value_arrived()
    {
        var outbox = new MqttOutbox();
        outbox.Enqueue(State(1, 1));
        outbox.Enqueue(Event(1));
        Assert.True(outbox.TryDequeue(out var first));
        outbox.ReturnUnsent(first);
        Assert.True(outbox.TryDequeue(out var again));
        Assert.Equal("1", Encoding.UTF8.GetString(again.Payload));
        outbox.Enqueue(State(1, 2));
        outbox.ReturnUnsent(again);
        Assert.True(outbox.TryDequeue(out var newest));
        Assert.Equal("2", Encoding.UTF8.GetString(newest.Payload));
        Assert.True(outbox.TryDequeue(out var ev));
        Assert.False(ev.Retain);
        Assert.False(outbox.TryDequeue(out _));
    }

    [Fact]
    public async Task WaitReady_blocks_until_something_is_enqueued_or_a_wake_is_asked_for()
    {
        var outbox = new MqttOutbox();
        Task Waiter() => Task.Factory.StartNew(() => outbox.WaitReady(CancellationToken.None), TaskCreationOptions.LongRunning);

        var wait = Waiter();
        await Task.Delay(100);
        Assert.False(wait.IsCompleted);
        outbox.Enqueue(Event(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(5));

        // Still ready while the message waits; a TryDequeue that finds nothing makes the next wait block again.
        await Waiter().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(outbox.TryDequeue(out _));
        Assert.False(outbox.TryDequeue(out _));
        wait = Waiter();
        await Task.Delay(100);
        Assert.False(wait.IsCompleted);
        outbox.Wake();
        await wait.WaitAsync(TimeSpan.FromSeconds(5));

        // Cancellation ends a wait with OperationCanceledException.
        Assert.False(outbox.TryDequeue(out _));
        using var cts = new CancellationTokenSource();
        var cancelled = Task.Factory.StartNew(() => outbox.WaitReady(cts.Token), TaskCreationOptions.LongRunning);
        await Task.Delay(100);
        Assert.False(cancelled.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Backoff_starts_short_and_doubles_up_to_the_cap()
    {
        var refused = MqttSession.NewBackoff();
        Assert.Equal([0.5, 1, 2, 4, 8, 16, 30, 30], Enumerable.Range(1, 8).Select(_ => refused.Next().TotalSeconds));
        var unreachable = MqttSession.NewBackoff();
        Assert.Equal([0.5, 1, 1, 1], Enumerable.Range(1, 4).Select(_ => Math.Min(unreachable.Next().TotalSeconds, MqttSession.UnreachableMax.TotalSeconds)));
    }
}
