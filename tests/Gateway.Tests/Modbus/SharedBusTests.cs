using System.Diagnostics;
using Gateway.Drivers.Em340;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Gateway.Tests.Serial;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Gateway.Tests.Modbus;

/// <summary>
/// Several devices on one RS485 port (one pty, the simulators behind one slave server): one port opened for
/// all, per-device link state, a dead slave costs only its own (spaced-out) timeouts, and the port is
/// reopened only when the port itself goes.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
public sealed class SharedBusTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("shared-bus").FullName;
    private readonly CancellationTokenSource _stop = new();
    private readonly ModbusBuses _buses = new(TimeProvider.System);
    private int _opens;

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        Directory.Delete(_dir, true);
    }

    private ISerialTransport CountingOpen(SerialSettings s)
    {
        Interlocked.Increment(ref _opens);
        return PosixSerialPort.Open(s);
    }

    private (PseudoTerminal Pty, Task Server) Plug(string link, params IModbusSlaveDevice[] slaves)
    {
        var pty = PseudoTerminal.Create();
        var server = Task.Run(() => new ModbusSlaveServer(pty.MasterStream(), slaves, TimeProvider.System).RunAsync(_stop.Token));
        if (new FileInfo(link).LinkTarget is not null) File.Delete(link);
        File.CreateSymbolicLink(link, pty.SlavePath);
        return (pty, server);
    }

    private Em340Driver Meter(string id, string link, byte address) =>
        new(new Em340Settings(id, new SerialSettings(link, Timeout: TimeSpan.FromMilliseconds(200)), address, PollInterval: TimeSpan.FromMilliseconds(500)),
            TimeProvider.System, NullLogger.Instance, CountingOpen, () => new ReconnectBackoff(jitter: 0), _buses);

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task Two_meters_and_a_ups_share_one_port_and_a_dead_meter_costs_only_its_own_timeouts()
    {
        var link = Path.Combine(_dir, "usb-FTDI_RS485-if00-port0");
        var grid = new Em340Simulator(TimeProvider.System, 1, seed: 1, serial: "GRID001");
        var pvSim = new Em340Simulator(TimeProvider.System, 2, seed: 2, serial: "PV00002");
        var pv = new SilenceableSlave(pvSim);
        var upsSim = new MustSimulator(TimeProvider.System, seed: 3);
        var (pty, server) = Plug(link, grid, pv, upsSim);
        var gridSink = new RecordingSink();
        var pvSink = new RecordingSink();
        var upsSink = new RecordingSink();
        var gridDriver = Meter("grid", link, 1);
        var pvDriver = Meter("pv", link, 2);
        var upsDriver = new MustDriver(new MustSettings("ups", new SerialSettings(link, Timeout: TimeSpan.FromMilliseconds(200)), PollInterval: TimeSpan.FromMilliseconds(500)),
            TimeProvider.System, NullLogger.Instance, CountingOpen, () => new ReconnectBackoff(jitter: 0), _buses);
        var runs = new[]
        {
            Task.Run(() => gridDriver.RunAsync(gridSink, _stop.Token)),
            Task.Run(() => pvDriver.RunAsync(pvSink, _stop.Token)),
            Task.Run(() => upsDriver.RunAsync(upsSink, _stop.Token)),
        };
        await RecordingSink.WaitUntil(() => gridSink.Latest<MeterReading>() is not null && pvSink.Latest<MeterReading>() is not null && upsSink.Latest<UpsReading>() is not null,
            Wait, "a reading from each of the three devices");
        Assert.Equal("GRID001", gridSink.Latest<MeterReading>()!.Serial);
        Assert.Equal("PV00002", pvSink.Latest<MeterReading>()!.Serial);
        Assert.True(upsSink.Latest<UpsReading>()!.Status.OnLine);
        Assert.Equal(1, _opens);
        Assert.Equal(3, _buses.UsersOf(link));

        // The grid meter's rate with every slave alive, measured on this machine now (a loaded machine is slower).
        var healthyFrom = gridSink.Readings.Count;
        await Task.Delay(TimeSpan.FromSeconds(3));
        var gridHealthy = gridSink.Readings.Count - healthyFrom;

        // The PV meter loses its supply: only it goes Lost, and while Lost it is asked ever less often.
        pvSim.LoseMains();
        await RecordingSink.WaitUntil(() => pvSink.Current == LinkState.Lost, Wait, "the PV meter Lost");
        var lostAt = pv.Addressed;
        var gridCount = gridSink.Readings.Count;
        await Task.Delay(TimeSpan.FromSeconds(6));
        var askedWhileLost = pv.Addressed - lostAt;
        var gridWhileLost = gridSink.Readings.Count - gridCount;
        output.WriteLine($"in 6 s while the PV meter was Lost: asked {askedWhileLost} times; grid published {gridWhileLost} readings (healthy: {gridHealthy} in 3 s)");
        // Backoff 2 s, 3 s: at most two verify attempts (one request each) in 6 s, against ~12 polls when alive.
        Assert.InRange(askedWhileLost, 1, 3);
        // The dead meter costs the grid meter at most its two timeouts: the grid keeps at least 3/4 of its healthy
        // rate (9 of 12 polls on an idle machine), measured against the same machine a moment before.
        Assert.True(gridWhileLost * 4 >= gridHealthy * 2 * 3 && gridWhileLost >= 4,
            $"grid published only {gridWhileLost} readings in 6 s against {gridHealthy} in 3 s with every slave alive");
        Assert.DoesNotContain(gridSink.States, s => s.State == LinkState.Lost);
        Assert.DoesNotContain(upsSink.States, s => s.State == LinkState.Lost);
        Assert.Equal(1, _opens);

        pvSim.RestoreMains();
        await RecordingSink.WaitUntil(() => pvSink.Current == LinkState.Connected, Wait, "the PV meter back");
        Assert.Equal(1, _opens);

        // The port itself goes (adapter unplugged): every device is Lost; it comes back once, for all.
        File.Delete(link);
        pty.Dispose();
        await server.ContinueWith(_ => { });
        await RecordingSink.WaitUntil(() => gridSink.Current == LinkState.Lost && pvSink.Current == LinkState.Lost && upsSink.Current == LinkState.Lost, Wait, "all three Lost");
        (pty, server) = Plug(link, grid, pv, upsSim);
        var replugged = Stopwatch.StartNew();
        await RecordingSink.WaitUntil(() => gridSink.Current == LinkState.Connected && pvSink.Current == LinkState.Connected && upsSink.Current == LinkState.Connected, Wait, "all three back");
        output.WriteLine($"replug → all three Connected in {replugged.ElapsedMilliseconds} ms");
        Assert.Equal(2, _opens);

        await _stop.CancelAsync();
        await Task.WhenAll(runs).WaitAsync(Wait);
        Assert.Equal(0, _buses.UsersOf(link));
        pty.Dispose();
        await server.ContinueWith(_ => { });
    }
}
