using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Gateway.Tests.Serial;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Simulation;

/// <summary>
/// The device node behind a by-id style symlink is destroyed and re-created many times (each time a new
/// /dev/pts/N): the driver reconnects every time and leaks no reader thread or descriptor. A short backoff
/// keeps the test fast; the real schedule is tested in virtual time.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ReopenCycleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("reopen").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static int PtyDescriptors() =>
        Directory.GetFiles("/proc/self/fd").Count(fd => { try { return new FileInfo(fd).LinkTarget?.StartsWith("/dev/pts/") == true; } catch (IOException) { return false; } });

    [Fact]
    public async Task Twenty_unplug_cycles_reconnect_every_time_without_leaks()
    {
        const int cycles = 20;
        var link = Path.Combine(_dir, "usb-MUST_EP20-if00-port0");
        var sim = new MustSimulator(TimeProvider.System, seed: 11);
        using var stop = new CancellationTokenSource();
        var readersBefore = FileDescriptorChannel.LiveReaders;
        var fdsBefore = PtyDescriptors();

        (PseudoTerminal Pty, Task Server) Plug()
        {
            var pty = PseudoTerminal.Create();
            var server = new ModbusSlaveServer(pty.MasterStream(), [sim], TimeProvider.System);
            var task = Task.Run(() => server.RunAsync(stop.Token));
            if (File.Exists(link) || new FileInfo(link).LinkTarget is not null) File.Delete(link);
            File.CreateSymbolicLink(link, pty.SlavePath);
            return (pty, task);
        }

        var current = Plug();
        var driver = new MustDriver(new MustSettings("ups", new SerialSettings(link, Timeout: TimeSpan.FromMilliseconds(300)), PollInterval: TimeSpan.FromMilliseconds(100)),
            TimeProvider.System, NullLogger.Instance, backoff: () => new ReconnectBackoff(initial: TimeSpan.FromMilliseconds(50), max: TimeSpan.FromMilliseconds(200)));
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, stop.Token));
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Connected, TimeSpan.FromSeconds(20), "first connection");

        for (var i = 1; i <= cycles; i++)
        {
            var old = current;
            File.Delete(link);
            old.Pty.Dispose();
            await old.Server.ContinueWith(_ => { });
            await RecordingSink.WaitUntil(() => driver.Counters.LinkLosses == i, TimeSpan.FromSeconds(20), $"loss {i}");
            current = Plug();
            await RecordingSink.WaitUntil(() => driver.Counters.Reconnects == i && sink.Current == LinkState.Connected, TimeSpan.FromSeconds(20), $"reconnect {i}");
        }

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        current.Pty.Dispose();
        await current.Server.ContinueWith(_ => { });
        Assert.Equal(cycles, driver.Counters.LinkLosses);
        Assert.Equal(cycles, driver.Counters.Reconnects);
        await RecordingSink.WaitUntil(() => FileDescriptorChannel.LiveReaders <= readersBefore, TimeSpan.FromSeconds(10), "reader threads to end");
        Assert.True(PtyDescriptors() <= fdsBefore, $"pty descriptors: {fdsBefore} before, {PtyDescriptors()} after");
    }
}
