using Gateway.Drivers.Em340;
using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Gateway.Tests.Simulation;

/// <summary>Unplugging a real pty made by socat: the device becomes Lost, then Connected again when the link is back, even on another ttyN.</summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
public sealed class UnplugTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("unplug").FullName;
    private readonly CancellationTokenSource _stop = new();
    private SocatPair _socat = null!;

    public async Task InitializeAsync()
    {
        _socat = new SocatPair(_dir);
        await _socat.PlugAsync();
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _socat.Dispose();
        _stop.Dispose();
        Directory.Delete(_dir, true);
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task Unplug_and_replug_twice_reconnects_without_leaking_reader_threads()
    {
        var readersBefore = FileDescriptorChannel.LiveReaders;
        var sim = new MustSimulator(TimeProvider.System, seed: 5);
        await using var simulator = new PortSimulatorHost(_socat.SimulatorLink, sim);
        // A 10 min backoff: back within the wait (20 s) can only be the watched path noticing the replug.
        var driver = new MustDriver(new MustSettings("ups", new SerialSettings(_socat.DeviceLink), PollInterval: TimeSpan.FromMilliseconds(200)),
            TimeProvider.System, NullLogger.Instance, backoff: () => new ReconnectBackoff(jitter: 0, initial: TimeSpan.FromMinutes(10), max: TimeSpan.FromMinutes(10)));
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, _stop.Token));
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Connected && sink.Readings.Count > 0, Wait, "first connection");
        var firstTarget = _socat.DeviceTarget;
        var targets = new HashSet<string> { firstTarget! };

        for (var cycle = 1; cycle <= 2; cycle++)
        {
            var before = _socat.DeviceTarget!;
            await _socat.UnplugAsync();
            await RecordingSink.WaitUntil(() => sink.Current == LinkState.Lost, Wait, $"Lost after unplug {cycle}");
            var lostAt = sink.States.Last().At;
            // Cycle 2: hold the very pty number the device had, so it comes back as another ttyN. Other tests make and
            // free ptys at the same time, so taking "the next two numbers" does not do it: take numbers until that one
            // is ours (or, rarely, another test holds it, which keeps it from socat just as well).
            using var squatters = cycle == 2 ? PtySquatters.Hold(before) : null;
            await Task.Delay(TimeSpan.FromSeconds(2.5));
            // Measured from the start of the replug: the driver may be Connected before PlugAsync returns.
            var pluggedAt = DateTimeOffset.UtcNow;
            await _socat.PlugAsync();
            await RecordingSink.WaitUntil(() => sink.Current == LinkState.Connected, Wait, $"Connected after replug {cycle}");
            var backAt = sink.States.Last().At;
            output.WriteLine($"cycle {cycle}: {_socat.DeviceTarget}; lost→connected {(backAt - lostAt).TotalSeconds:0.0} s, replug→connected {(backAt - pluggedAt).TotalSeconds:0.0} s");
            // The path is watched: the link came back at the replug (within the wait), not on the 10 min backoff.
            Assert.True(backAt >= pluggedAt, "Connected before the replug");
            Assert.True(backAt - lostAt >= TimeSpan.FromSeconds(2.4));
            if (cycle == 2 && squatters!.HoldsTarget) Assert.NotEqual(before, _socat.DeviceTarget);
            targets.Add(_socat.DeviceTarget!);
            var count = sink.Readings.Count;
            await RecordingSink.WaitUntil(() => sink.Readings.Count > count, Wait, "readings after reconnect");
        }
        Assert.Equal(2, driver.Counters.LinkLosses);
        Assert.Equal(2, driver.Counters.Reconnects);
        Assert.Equal(2, sink.States.Count(s => s.State == LinkState.Lost));

        await _stop.CancelAsync();
        await run.WaitAsync(Wait);
        await simulator.DisposeAsync();
        await RecordingSink.WaitUntil(() => FileDescriptorChannel.LiveReaders <= readersBefore, Wait, "reader threads to end");
        // No descriptor of this process still points at any pty the driver ever opened.
        var open = Directory.GetFiles("/proc/self/fd").Select(fd => { try { return new FileInfo(fd).LinkTarget; } catch (IOException) { return null; } }).ToHashSet();
        Assert.DoesNotContain(targets, open.Contains);
    }

    [Fact]
    public async Task Removing_the_link_while_the_pty_stays_is_a_vanished_device()
    {
        var sim = new Em340Simulator(TimeProvider.System, seed: 6);
        await using var simulator = new PortSimulatorHost(_socat.SimulatorLink, sim);
        var driver = new Em340Driver(new Em340Settings("grid", new SerialSettings(_socat.DeviceLink, Timeout: TimeSpan.FromMilliseconds(200)), PollInterval: TimeSpan.FromMilliseconds(300)),
            TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, _stop.Token));
        await RecordingSink.WaitUntil(() => sink.Readings.Count > 0, Wait, "a reading");
        var target = _socat.DeviceTarget!;
        File.Delete(_socat.DeviceLink);
        sim.MissRequests(1);
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Lost, Wait, "Lost when the by-id link vanished");
        Assert.Contains("vanished", sink.States.Last().Reason);
        File.CreateSymbolicLink(_socat.DeviceLink, target);
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Connected, Wait, "Connected again when the link is back");
    }
}
