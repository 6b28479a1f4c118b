using System.Diagnostics;
using Gateway.Drivers.Threading;

namespace Gateway.Tests.Hosting;

/// <summary>The eventfd a dedicated thread sleeps on: no signal lost, none invented, none after disposal.</summary>
public sealed class WakeSignalTests
{
    [Fact]
    public void A_set_before_the_wait_is_kept_once_and_a_wait_without_one_times_out()
    {
        using var wake = new WakeSignal();
        wake.Set();
        wake.Set();
        var started = Stopwatch.GetTimestamp();
        Assert.True(wake.Wait(TimeSpan.FromSeconds(5)));
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(1));
        // Two sets before one wait are one wake-up: the flag was cleared.
        started = Stopwatch.GetTimestamp();
        Assert.False(wake.Wait(TimeSpan.FromMilliseconds(150)));
        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(150));
        Assert.False(wake.Wait(TimeSpan.Zero));
    }

    [Fact]
    public async Task A_set_from_another_thread_wakes_the_sleeper_and_a_set_after_dispose_does_nothing()
    {
        var wake = new WakeSignal();
        var woke = Task.Factory.StartNew(() => wake.Wait(TimeSpan.FromSeconds(10)), TaskCreationOptions.LongRunning);
        await Task.Delay(100);
        Assert.False(woke.IsCompleted);
        wake.Set();
        Assert.True(await woke.WaitAsync(TimeSpan.FromSeconds(5)));
        wake.Dispose();
        wake.Set();
    }
}
