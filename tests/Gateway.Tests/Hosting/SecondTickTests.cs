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
}
