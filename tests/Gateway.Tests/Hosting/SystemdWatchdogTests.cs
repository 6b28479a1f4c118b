using Gateway.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Hosting;

public class SystemdWatchdogTests
{
    private sealed class RecordingNotifier : ISystemdNotifier
    {
        private int _fed;
        public int Fed => Volatile.Read(ref _fed);
        public bool IsEnabled => true;
        public void Notify(ServiceState state)
        {
            if (state.ToString() == "WATCHDOG=1") Interlocked.Increment(ref _fed);
        }
    }

    [Fact]
    public async Task FeedsTheWatchdogOnlyWhileEveryLoopBeats()
    {
        var time = new FakeTimeProvider();
        var loops = new LoopMonitor(time);
        loops.Register("driver:ups", TimeSpan.FromSeconds(30));
        var notifier = new RecordingNotifier();
        using var dog = new SystemdWatchdog(notifier, loops, time, NullLogger<SystemdWatchdog>.Instance, TimeSpan.FromSeconds(20));
        await dog.StartAsync(CancellationToken.None);
        await Wait.UntilAsync(() => dog.Checks == 1, "the first watchdog check");
        Assert.Equal(1, notifier.Fed); // at once on start

        // The loop beats every 10 s; the watchdog is fed every 10 s (half of WatchdogSec=20s).
        for (var i = 0; i < 6; i++)
        {
            loops.Beat("driver:ups");
            await Tick(time, dog);
        }
        Assert.Equal(7, notifier.Fed);

        // The loop hangs: 10 s and 20 s and 30 s of silence are within its 30 s; after that the watchdog starves.
        for (var i = 0; i < 6; i++) await Tick(time, dog);
        Assert.Equal(9, notifier.Fed);

        // It recovers: feeding resumes.
        loops.Beat("driver:ups");
        await Tick(time, dog);
        Assert.Equal(10, notifier.Fed);
        await dog.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task WithoutAWatchdogNothingIsSent()
    {
        var time = new FakeTimeProvider();
        var notifier = new RecordingNotifier();
        using var dog = new SystemdWatchdog(notifier, new LoopMonitor(time), time, NullLogger<SystemdWatchdog>.Instance, null);
        await dog.StartAsync(CancellationToken.None);
        await (dog.ExecuteTask ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, notifier.Fed);
        Assert.Equal(0, dog.Checks);
        await dog.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void HungListsOnlySilentLoops()
    {
        var time = new FakeTimeProvider();
        var loops = new LoopMonitor(time);
        loops.Register("a", TimeSpan.FromSeconds(5));
        loops.Register("b", TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(["a"], loops.Hung());
        loops.Beat("a");
        Assert.Empty(loops.Hung());
        loops.Unregister("b");
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(["a"], loops.Hung());
    }

    /// <summary>Advances virtual time by one period and waits (in real time) until the watchdog has checked once more.</summary>
    private static async Task Tick(FakeTimeProvider time, SystemdWatchdog dog)
    {
        var before = dog.Checks;
        time.Advance(TimeSpan.FromSeconds(10));
        await Wait.UntilAsync(() => dog.Checks == before + 1, $"watchdog check {before + 1}");
    }
}
