using Gateway.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Hosting;

/// <summary>The shared 1 s tick in virtual time: one timer for every subscriber, and one's trouble is not another's.</summary>
public sealed class SecondTickTests
{
    [Fact]
    public async Task Subscribers_share_one_timer_a_slow_or_failing_one_delays_no_other_and_the_timer_goes_with_the_last()
    {
        var time = new SignalingTimeProvider();
        var log = new ListLogger();
        var tick = new SecondTick(time, log);
        Assert.Empty(time.PendingDueTimes);

        var fast = 0;
        var failing = 0;
        var slowStarts = 0;
        var slowGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = tick.Subscribe("fast", () => { Interlocked.Increment(ref fast); return Task.CompletedTask; });
        var b = tick.Subscribe("slow", async () => { Interlocked.Increment(ref slowStarts); await slowGate.Task; });
        var c = tick.Subscribe("failing", () => { Interlocked.Increment(ref failing); throw new InvalidOperationException("boom"); });
        Assert.Equal([SecondTick.Interval], time.PendingDueTimes);

        for (var i = 1; i <= 3; i++)
        {
            time.Advance(SecondTick.Interval);
            await Wait.UntilAsync(() => Volatile.Read(ref fast) == i && Volatile.Read(ref failing) == i, $"tick {i} ran the fast and the failing work");
        }
        // The slow work has not finished: it is not started again, and the others ran every second regardless.
        Assert.Equal(1, Volatile.Read(ref slowStarts));
        Assert.Equal(3, log.Lines.Count(l => l.Level == LogLevel.Error && l.Message.Contains("failing", StringComparison.Ordinal)));

        // Once it has finished (its end runs on the pool), a later tick starts it again.
        slowGate.SetResult();
        await Wait.UntilAsync(() =>
        {
            if (Volatile.Read(ref slowStarts) < 2) time.Advance(SecondTick.Interval);
            return Volatile.Read(ref slowStarts) == 2;
        }, "the slow work runs again once it has finished");
        Assert.True(Volatile.Read(ref fast) >= 4);

        a.Dispose();
        b.Dispose();
        Assert.Equal([SecondTick.Interval], time.PendingDueTimes);
        c.Dispose();
        Assert.Empty(time.PendingDueTimes);
    }

    [Fact]
    public async Task On_the_real_clock_the_tick_is_one_thread_of_its_own_that_ends_with_the_last_subscriber()
    {
        var tick = new SecondTick(TimeProvider.System, new ListLogger());
        var threads = new System.Collections.Concurrent.ConcurrentBag<string?>();
        var times = new System.Collections.Concurrent.ConcurrentQueue<long>();
        var slowStarts = 0;
        var sub = tick.Subscribe("timed", () =>
        {
            threads.Add(Thread.CurrentThread.Name);
            times.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
            return Task.CompletedTask;
        });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = tick.Subscribe("slow", async () => { Interlocked.Increment(ref slowStarts); await gate.Task; });
        await Wait.UntilAsync(() => times.Count >= 3, "three ticks", TimeSpan.FromSeconds(10));
        Assert.All(threads, n => Assert.Equal("tick", n));
        var t = times.ToArray();
        for (var i = 1; i < t.Length; i++)
        {
            var gap = (double)(t[i] - t[i - 1]) / System.Diagnostics.Stopwatch.Frequency;
            Assert.InRange(gap, 0.8, 1.6);
        }
        // The unfinished work is not started again while the others tick.
        Assert.Equal(1, Volatile.Read(ref slowStarts));
        gate.SetResult();
        slow.Dispose();
        sub.Dispose();
        var count = times.Count;
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.InRange(times.Count, count, count + 1);
        // Subscribed again, a new thread ticks.
        using var again = tick.Subscribe("again", () => { times.Enqueue(0); return Task.CompletedTask; });
        await Wait.UntilAsync(() => times.Count >= count + 2, "a tick after subscribing again", TimeSpan.FromSeconds(5));
    }
}
