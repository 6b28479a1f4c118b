using Gateway.Drivers.Em340;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Gateway.Tests.Modbus;

/// <summary>
/// A meter's poll loop waits between polls on the port's reader thread. When the adapter goes during that wait, the
/// wait must fail with the port's error: an EM340 has no status read between full polls, so a loop that took the early
/// end for its turn asked nothing, waited again (the port's waits end at once once it has gone), and never noticed the
/// port was gone until its next full poll, spinning on a CPU meanwhile. On a shared port, once another device closed
/// it, that loop then slept for as long as it had spun ahead of the clock: the meter stayed Lost after the replug (the
/// SharedBusTests failure of the fifth round).
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class UnplugBetweenPollsTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("unplug-wait").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly ListLogger _log = new();

    public void Dispose()
    {
        foreach (var line in _log.Lines) output.WriteLine(line.Text);
        _stop.Cancel();
        _stop.Dispose();
        Directory.Delete(_dir, true);
    }

    private (PseudoTerminal Pty, Task Server) Plug(string link, Em340Simulator meter)
    {
        var pty = PseudoTerminal.Create();
        var server = Task.Run(() => new ModbusSlaveServer(pty.MasterStream(), [meter], TimeProvider.System).RunAsync(_stop.Token));
        if (new FileInfo(link).LinkTarget is not null) File.Delete(link);
        File.CreateSymbolicLink(link, pty.SlavePath);
        return (pty, server);
    }

    [Fact]
    public async Task A_meter_unplugged_while_it_waits_for_its_next_poll_is_Lost_and_back_after_the_replug()
    {
        var link = Path.Combine(_dir, "usb-FTDI_RS485-if00-port0");
        var meter = new Em340Simulator(TimeProvider.System, 1, seed: 1, serial: "GRID001");
        var (pty, server) = Plug(link, meter);
        // A 10 min poll interval: after its first poll the loop sits in its wait, so the unplug lands there, and the
        // next full poll (which would find the port gone by itself) is far beyond the test's wait.
        var driver = new Em340Driver(new Em340Settings("grid", new SerialSettings(link, Timeout: TimeSpan.FromMilliseconds(200)), 1, PollInterval: TimeSpan.FromMinutes(10)),
            TimeProvider.System, _log, backoff: () => new ReconnectBackoff(jitter: 0));
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, _stop.Token));
        await RecordingSink.WaitUntil(() => sink.Latest<MeterReading>() is not null, Wait, "the first reading");
        var readings = sink.Readings.Count;

        File.Delete(link);
        pty.Dispose();
        await server.ContinueWith(_ => { });
        // Within the wait (20 s), far less than the poll interval: the ended wait said so, not the next full poll.
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Lost, Wait, "the meter Lost after the unplug during its wait");
        Assert.Equal(1, driver.Counters.LinkLosses);

        (pty, server) = Plug(link, meter);
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Connected && sink.Readings.Count > readings, Wait, "the meter back after the replug");

        await _stop.CancelAsync();
        await run.WaitAsync(Wait);
        pty.Dispose();
        await server.ContinueWith(_ => { });
    }
}
