using System.Diagnostics;
using Gateway.Drivers.Threading;
using Gateway.Tests.Support;

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

    [Fact]
    public void Sleep_on_the_real_clock_lasts_the_delay_unless_set_and_on_virtual_time_lasts_until_the_clock_moves()
    {
        using var wake = new WakeSignal();
        var started = Stopwatch.GetTimestamp();
        Assert.True(wake.Sleep(TimeProvider.System, TimeSpan.FromMilliseconds(200)));
        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(200));

        wake.Set();
        Assert.False(wake.Sleep(TimeProvider.System, TimeSpan.FromSeconds(10)));

        var time = new SignalingTimeProvider();
        var sleeping = Task.Factory.StartNew(() => wake.Sleep(time, TimeSpan.FromSeconds(30)), TaskCreationOptions.LongRunning);
        Assert.True(SpinWait.SpinUntil(() => time.PendingDueTimes.Contains(TimeSpan.FromSeconds(30)), TimeSpan.FromSeconds(5)));
        time.Advance(TimeSpan.FromSeconds(29));
        Thread.Sleep(50);
        Assert.False(sleeping.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(sleeping.Wait(TimeSpan.FromSeconds(5)));
        Assert.True(sleeping.Result);

        sleeping = Task.Factory.StartNew(() => wake.Sleep(time, TimeSpan.FromSeconds(30)), TaskCreationOptions.LongRunning);
        Assert.True(SpinWait.SpinUntil(() => time.PendingDueTimes.Contains(TimeSpan.FromSeconds(30)), TimeSpan.FromSeconds(5)));
        wake.Set();
        Assert.True(sleeping.Wait(TimeSpan.FromSeconds(5)));
        Assert.False(sleeping.Result);
        Assert.Empty(time.PendingDueTimes);
    }

    [Fact]
    public void WaitOr_reports_a_readable_descriptor_a_set_first_and_a_timeout()
    {
        using var wake = new WakeSignal();
        using var other = new WakeSignal();
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        using var reader = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, pipe.ClientSafePipeHandle);
        Assert.Equal(WakeReason.TimedOut, wake.WaitOr(reader.SafePipeHandle, writable: false, TimeSpan.FromMilliseconds(50)));
        Assert.Equal(WakeReason.Ready, wake.WaitOr(pipe.SafePipeHandle, writable: true, TimeSpan.FromSeconds(5)));
        pipe.WriteByte(1);
        pipe.Flush();
        Assert.Equal(WakeReason.Ready, wake.WaitOr(reader.SafePipeHandle, writable: false, TimeSpan.FromSeconds(5)));
        wake.Set();
        Assert.Equal(WakeReason.Set, wake.WaitOr(reader.SafePipeHandle, writable: false, TimeSpan.FromSeconds(5)));
        // The set was consumed: the descriptor is still readable.
        Assert.Equal(WakeReason.Ready, wake.WaitOr(reader.SafePipeHandle, writable: false, TimeSpan.FromSeconds(5)));
    }
}
