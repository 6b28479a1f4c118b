using Gateway.Drivers.Em340;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Gateway.Tests.Modbus;

/// <summary>
/// A USB-serial adapter that stops passing bytes without any I/O error (a wedged chip): every slave on the port
/// goes silent at once. The bus reopens the port after its silence limit, and that cures it; one dead slave
/// among answering ones never reopens the port.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class WedgedAdapterTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("wedged").FullName;
    private readonly CancellationTokenSource _stop = new();
    private int _opens;

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        Directory.Delete(_dir, true);
    }

    [Fact]
    public async Task A_port_whose_every_slave_went_silent_without_an_io_error_is_reopened_and_one_dead_slave_never_reopens_it()
    {
        var link = Path.Combine(_dir, "usb-FTDI_RS485-if00-port0");
        var grid = new SilenceableSlave(new Em340Simulator(TimeProvider.System, 1, seed: 1));
        var pv = new SilenceableSlave(new Em340Simulator(TimeProvider.System, 2, seed: 2));
        using var pty = PseudoTerminal.Create();
        var server = Task.Run(() => new ModbusSlaveServer(pty.MasterStream(), [grid, pv], TimeProvider.System).RunAsync(_stop.Token));
        File.CreateSymbolicLink(link, pty.SlavePath);

        var silentLimit = TimeSpan.FromSeconds(2);
        var buses = new ModbusBuses(TimeProvider.System, silentLimit);
        var log = new ListLogger();
        ISerialTransport Open(SerialSettings s)
        {
            // Closing and opening the port resets the adapter: whatever was wedged passes bytes again.
            if (Interlocked.Increment(ref _opens) > 1) grid.Silent = pv.Silent = false;
            return PosixSerialPort.Open(s);
        }
        Em340Driver Meter(string id, byte address) =>
            new(new Em340Settings(id, new SerialSettings(link, Timeout: TimeSpan.FromMilliseconds(200)), address, PollInterval: TimeSpan.FromMilliseconds(300)),
                TimeProvider.System, log, Open, () => new ReconnectBackoff(jitter: 0), buses);
        var gridSink = new RecordingSink();
        var pvSink = new RecordingSink();
        var runs = new[]
        {
            Task.Run(() => Meter("grid", 1).RunAsync(gridSink, _stop.Token)),
            Task.Run(() => Meter("pv", 2).RunAsync(pvSink, _stop.Token)),
        };
        await RecordingSink.WaitUntil(() => gridSink.Current == LinkState.Connected && pvSink.Current == LinkState.Connected, Wait, "both meters Connected");

        // One dead slave while the other answers: it is Lost and retried on its backoff, the port stays open
        // well past the silence limit (three verify attempts: backoff 2 s + 3 s + 4.5 s).
        pv.Silent = true;
        await RecordingSink.WaitUntil(() => pvSink.Current == LinkState.Lost, Wait, "the PV meter Lost");
        var askedAtLoss = pv.Addressed;
        await RecordingSink.WaitUntil(() => pv.Addressed >= askedAtLoss + 3, Wait, "three attempts at the Lost PV meter");
        Assert.Equal(1, Volatile.Read(ref _opens));
        Assert.Equal(2, buses.UsersOf(link));
        Assert.Equal(LinkState.Connected, gridSink.Current);

        // The adapter wedges: no slave answers, the port shows no error. After the silence limit the port is
        // reopened (the file never changed), and both meters are Connected again.
        grid.Silent = true;
        var wedged = System.Diagnostics.Stopwatch.StartNew();
        await RecordingSink.WaitUntil(() => gridSink.Current == LinkState.Lost, Wait, "the grid meter Lost");
        await RecordingSink.WaitUntil(() => gridSink.Current == LinkState.Connected && pvSink.Current == LinkState.Connected, Wait, "both meters back after the reopen");
        output.WriteLine($"adapter wedged → port reopened → both meters Connected in {wedged.ElapsedMilliseconds} ms (silence limit {silentLimit.TotalSeconds:0} s)");
        Assert.Equal(2, Volatile.Read(ref _opens));
        Assert.Contains(log.Lines, l => l.Message.Contains($"no device on {link} answered for", StringComparison.Ordinal)
            && l.Message.Contains("reopening it", StringComparison.Ordinal));

        await _stop.CancelAsync();
        await Task.WhenAll(runs).WaitAsync(Wait);
        await server.ContinueWith(_ => { });
    }
}
