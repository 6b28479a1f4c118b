using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.Readings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

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
        var time = new FakeTimeProvider();
        var hub = new ReadingHub(time, NullLogger<ReadingHub>.Instance);
        var driver = new FlakyDriver(time);
        using var runner = new DeviceRunner([driver], hub, new LoopMonitor(time), time, NullLogger<DeviceRunner>.Instance);
        await runner.StartAsync(CancellationToken.None);

        await Wait.UntilAsync(() => hub.Get("ups")?.Link == LinkState.Lost, "the device Lost after the driver threw");
        Assert.Equal(1, driver.Runs);
        Assert.Contains("internal error", hub.Get("ups")!.LinkReason);

        // Step virtual time until the restart happens; it must not come before the pause is over.
        var lostAt = time.GetUtcNow();
        await StepUntil(time, () => driver.Runs == 2);
        var pause = time.GetUtcNow() - lostAt;
        Assert.InRange(pause, DeviceRunner.RestartDelay, DeviceRunner.RestartDelay + TimeSpan.FromSeconds(2));

        await StepUntil(time, () => hub.Get("ups")?.Link == LinkState.Connected);
        Assert.Equal(3, driver.Runs);

        await runner.StopAsync(CancellationToken.None);
    }

    private static async Task StepUntil(FakeTimeProvider time, Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(10);
        }
        Assert.True(condition(), "condition not met within 40 s of virtual time");
    }
}
