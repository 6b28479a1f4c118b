using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Gateway.Tests.Reliability;

/// <summary>
/// Serial loss (issue 9, reliability 1): the pty pair behind a by-id style symlink is destroyed and re-created
/// 50 times (each time a new /dev/pts/N) after random short outages. The driver watches the path, so every
/// reconnect follows the re-creation (after a 70 s outage too, long before the capped backoff; the times are printed
/// against the 3 s target, not asserted on a shared machine), and the process ends with the same
/// number of open descriptors (± 2) and no more threads (+ 2 at most) than it had before the first loss.
/// </summary>
[Collection(ReliabilityCollection.Name)]
[Trait("Category", "Reliability")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class SerialLossTests(ITestOutputHelper output) : IDisposable
{
    private const int Cycles = 50;
    private const int Tolerance = 2;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly (int Min, int Max) OutageMs = (100, 600);
    private static readonly TimeSpan ReconnectTarget = TimeSpan.FromSeconds(3);

    private readonly string _dir = Directory.CreateTempSubdirectory("serial-loss").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task Fifty_pty_losses_reconnect_within_the_backoff_and_leak_no_descriptor_or_thread()
    {
        var link = Path.Combine(_dir, "usb-MUST_EP20-if00-port0");
        var sim = new MustSimulator(TimeProvider.System, seed: 11);
        var random = new Random(9);
        using var stop = new CancellationTokenSource();
        var readersBefore = FileDescriptorChannel.LiveReaders;

        (PseudoTerminal Pty, Task Server, DateTimeOffset CreatedAt) Plug()
        {
            var pty = PseudoTerminal.Create();
            var server = new ModbusSlaveServer(pty.MasterStream(), [sim], TimeProvider.System);
            var task = Task.Run(() => server.RunAsync(stop.Token));
            if (File.Exists(link) || new FileInfo(link).LinkTarget is not null) File.Delete(link);
            File.CreateSymbolicLink(link, pty.SlavePath);
            return (pty, task, DateTimeOffset.UtcNow);
        }

        var current = Plug();
        // The product's default backoff (2 s, ×1.5, ±5 % jitter): no test override.
        var driver = new MustDriver(new MustSettings("ups", new SerialSettings(link, Timeout: TimeSpan.FromMilliseconds(300)), PollInterval: TimeSpan.FromMilliseconds(200)),
            TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, stop.Token));
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Connected && sink.Readings.Count >= 3, Wait, "first connection and a few polls");
        var fdsBefore = ProcessResources.Descriptors;
        var threadsBefore = ProcessResources.Threads;

        var reconnects = new List<TimeSpan>();
        var detections = new List<TimeSpan>();
        for (var i = 1; i <= Cycles; i++)
        {
            var old = current;
            var removedAt = DateTimeOffset.UtcNow;
            File.Delete(link);
            old.Pty.Dispose();
            await old.Server.ContinueWith(_ => { });
            await RecordingSink.WaitUntil(() => driver.Counters.LinkLosses == i && sink.Current == LinkState.Lost, Wait, $"loss {i}");
            detections.Add(sink.States.Last(s => s.State == LinkState.Lost).At - removedAt);
            await Task.Delay(random.Next(OutageMs.Min, OutageMs.Max + 1));
            current = Plug();
            await RecordingSink.WaitUntil(() => driver.Counters.Reconnects == i && sink.Current == LinkState.Connected, Wait, $"reconnect {i}");
            var took = sink.States.Last(s => s.State == LinkState.Connected).At - current.CreatedAt;
            reconnects.Add(took);
        }
        var count = sink.Readings.Count;
        await RecordingSink.WaitUntil(() => sink.Readings.Count > count, Wait, "readings after the last reconnect");

        var fdsRightAfter = ProcessResources.Descriptors;
        var threadsRightAfter = ProcessResources.Threads;
        // Idle thread-pool workers retire on their own, and sockets an earlier test left (the connection flood) close
        // late, so fewer threads or descriptors than before is fine; a leaked reader thread or descriptor never goes away.
        await RecordingSink.WaitUntil(() => ProcessResources.Descriptors - fdsBefore <= Tolerance && ProcessResources.Threads - threadsBefore <= Tolerance,
            TimeSpan.FromSeconds(40), $"descriptors at most {fdsBefore} + {Tolerance} and threads at most {threadsBefore} + {Tolerance} (now {ProcessResources.Describe()})");

        output.WriteLine($"{Cycles} cycles; reconnect after re-creation: {Spread(reconnects)} (target {ReconnectTarget.TotalSeconds:0.0} s, measured, not asserted on a shared machine); loss detected after removal: {Spread(detections)}");
        output.WriteLine($"fds before {fdsBefore}, right after {fdsRightAfter}, settled {ProcessResources.Descriptors}; threads before {threadsBefore}, right after {threadsRightAfter}, settled {ProcessResources.Threads}");

        await stop.CancelAsync();
        await run.WaitAsync(Wait);
        current.Pty.Dispose();
        await current.Server.ContinueWith(_ => { });
        Assert.Equal(Cycles, driver.Counters.LinkLosses);
        Assert.Equal(Cycles, driver.Counters.Reconnects);
        await RecordingSink.WaitUntil(() => FileDescriptorChannel.LiveReaders <= readersBefore, Wait, "reader threads to end");
    }

    [Fact]
    public async Task Seventy_seconds_unplugged_is_connected_again_at_the_replug_not_at_the_capped_backoff()
    {
        var link = Path.Combine(_dir, "usb-MUST_EP20-if00-port0");
        var sim = new MustSimulator(TimeProvider.System, seed: 12);
        using var stop = new CancellationTokenSource();
        var first = PseudoTerminal.Create();
        var firstServer = Task.Run(() => new ModbusSlaveServer(first.MasterStream(), [sim], TimeProvider.System).RunAsync(stop.Token));
        File.CreateSymbolicLink(link, first.SlavePath);
        var driver = new MustDriver(new MustSettings("ups", new SerialSettings(link, Timeout: TimeSpan.FromMilliseconds(300)), PollInterval: TimeSpan.FromMilliseconds(200)),
            TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, stop.Token));
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Connected, Wait, "first connection");

        File.Delete(link);
        first.Dispose();
        await firstServer.ContinueWith(_ => { });
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Lost, Wait, "Lost after the unplug");
        // Long enough that the old backoff (2 s × 1.5, capped at 60 s) would have reached its cap.
        await Task.Delay(TimeSpan.FromSeconds(70));

        using var second = PseudoTerminal.Create();
        var secondServer = Task.Run(() => new ModbusSlaveServer(second.MasterStream(), [sim], TimeProvider.System).RunAsync(stop.Token));
        var pluggedAt = DateTimeOffset.UtcNow;
        File.CreateSymbolicLink(link, second.SlavePath);
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Connected, Wait, "Connected after the replug");
        var took = sink.States.Last().At - pluggedAt;
        // Connected within Wait (20 s), well before the capped 60 s backoff would have tried again: the replug woke it.
        output.WriteLine($"70 s unplugged; replug → Connected {took.TotalMilliseconds:0} ms (target {ReconnectTarget.TotalSeconds:0} s)");
        await stop.CancelAsync();
        await run.WaitAsync(Wait);
        await secondServer.ContinueWith(_ => { });
    }

    private static string Spread(List<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return $"min {sorted[0].TotalSeconds:0.000} s, median {sorted[sorted.Count / 2].TotalSeconds:0.000} s, max {sorted[^1].TotalSeconds:0.000} s";
    }
}
