using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.Readings;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Hosting;

public class DeviceRunnerTests
{
    /// <summary>A driver with a bug: throws on its first two runs, then publishes and waits.</summary>
    private sealed class FlakyDriver(TimeProvider time) : IDeviceDriver
    {
        private int _runs;
        public int Runs => Volatile.Read(ref _runs);
        public string DeviceId => "ups";
        public DeviceKind Kind => DeviceKind.Ups;
        public DriverCounters Counters { get; } = new();
        public IReadOnlyList<string> Commands => [];

        public async Task RunAsync(IReadingSink sink, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _runs) <= 2) throw new InvalidOperationException("bug");
            sink.Publish(new UpsReading(DeviceId, time.GetUtcNow(), TimeSpan.FromMinutes(10), UpsStatus.Parse("OL"), new Dictionary<string, string>()));
            await Task.Delay(Timeout.Infinite, ct);
        }

        public Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken ct) => Task.FromResult(DeviceCommandResult.NotSupported(command));
    }

    [Fact]
    public async Task ADriverThatThrowsIsMarkedLostAndRestartedAfterAPause()
    {
        var time = new SignalingTimeProvider();
        var hub = new ReadingHub(time, NullLogger<ReadingHub>.Instance);
        var driver = new FlakyDriver(time);
        using var runner = new DeviceRunner([driver], hub, new LoopMonitor(time), time, NullLogger<DeviceRunner>.Instance);
        await runner.StartAsync(CancellationToken.None);

        await Wait.UntilAsync(() => hub.Get("ups")?.Link == LinkState.Lost, "the device Lost after the driver threw");
        Assert.Equal(1, driver.Runs);
        Assert.Contains("internal error", hub.Get("ups")!.LinkReason);

        // The runner waits out its pause on the virtual clock: not restarted a moment before it is over, at once after.
        await time.WaitForTimerAsync(DeviceRunner.RestartDelay, "the restart pause after the first failure");
        time.Advance(DeviceRunner.RestartDelay - TimeSpan.FromMilliseconds(1));
        await Task.Delay(100);
        Assert.Equal(1, driver.Runs);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Wait.UntilAsync(() => driver.Runs == 2, "the restart after the pause");

        // The second run throws too; after the next pause the third run publishes.
        await time.WaitForTimerAsync(DeviceRunner.RestartDelay, "the restart pause after the second failure");
        time.Advance(DeviceRunner.RestartDelay);
        await Wait.UntilAsync(() => hub.Get("ups")?.Link == LinkState.Connected, "the third run to publish");
        Assert.Equal(3, driver.Runs);

        await runner.StopAsync(CancellationToken.None);
    }
}
