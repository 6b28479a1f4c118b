using Gateway.Drivers.Em340;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Tests.Em340;
using Gateway.Tests.Serial;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Modbus;

/// <summary>
/// Two meters on one port served by a Modbus slave this project did not write (python3-pymodbus, slaves 1
/// and 2 on one socat pty) and read through one shared bus; then slave 2 is dropped from a restarted server
/// and only its device goes Lost.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class PymodbusSharedBusTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("pymodbus-bus").FullName;
    private readonly CancellationTokenSource _stop = new();
    private SocatPair _socat = null!;
    private PymodbusProcess? _python;

    public async Task InitializeAsync()
    {
        _socat = new SocatPair(_dir);
        await _socat.PlugAsync();
        await StartSlavesAsync("{1: slave, 2: slave}");
    }

    private async Task StartSlavesAsync(string slaves)
    {
        _python = await PymodbusProcess.StartAsync(Path.Combine(_dir, "slaves.py"), PymodbusEm340Tests.Script.Replace("slaves={1: slave}", "slaves=" + slaves),
            _socat.SimulatorLink);
    }

    private void StopSlaves()
    {
        _python?.Dispose();
        _python = null;
    }

    public Task DisposeAsync()
    {
        _stop.Cancel();
        StopSlaves();
        _socat.Dispose();
        _stop.Dispose();
        Directory.Delete(_dir, true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_meters_at_addresses_1_and_2_share_one_port_and_a_missing_slave_is_lost_alone()
    {
        var opens = 0;
        var buses = new ModbusBuses(TimeProvider.System);
        ISerialTransport Open(SerialSettings s)
        {
            Interlocked.Increment(ref opens);
            return PosixSerialPort.Open(s);
        }
        Em340Driver Meter(string id, byte address) => new(
            new Em340Settings(id, new SerialSettings(_socat.DeviceLink, Timeout: TimeSpan.FromMilliseconds(500)), address, PollInterval: TimeSpan.FromMilliseconds(500)),
            TimeProvider.System, NullLogger.Instance, Open, null, buses);
        var grid = new RecordingSink();
        var pv = new RecordingSink();
        var runs = new[]
        {
            Task.Run(() => Meter("grid", 1).RunAsync(grid, _stop.Token)),
            Task.Run(() => Meter("pv", 2).RunAsync(pv, _stop.Token)),
        };
        await RecordingSink.WaitUntil(() => grid.Latest<MeterReading>() is not null && pv.Latest<MeterReading>() is not null, Wait, "readings from both meters");
        Assert.Equal(230.0, grid.Latest<MeterReading>()!.L1.Voltage);
        Assert.Equal(230.0, pv.Latest<MeterReading>()!.L1.Voltage);
        Assert.Equal(-1500.0, pv.Latest<MeterReading>()!.L3.Power);
        Assert.Equal(1, opens);

        // The slave at address 2 goes away (pymodbus restarted without it); the port stays as it is.
        StopSlaves();
        await StartSlavesAsync("{1: slave}");
        await RecordingSink.WaitUntil(() => pv.Current == LinkState.Lost, Wait, "the meter at address 2 Lost");
        var count = grid.Readings.Count;
        await RecordingSink.WaitUntil(() => grid.Readings.Count >= count + 3, Wait, "the meter at address 1 still read");
        Assert.Equal(LinkState.Connected, grid.Current);
        Assert.DoesNotContain(grid.States, s => s.State == LinkState.Lost);
        Assert.Equal(1, opens);

        await _stop.CancelAsync();
        await Task.WhenAll(runs).WaitAsync(Wait);
    }
}
