using Gateway.Drivers.Em340;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Em340;

/// <summary>
/// The EM340 driver against a Modbus slave this project did not write: Debian's python3-pymodbus serving
/// the EM340 register layout (values from docs/reference/em340.md) on a socat pty.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class PymodbusEm340Tests : IAsyncLifetime
{
    /// <summary>The slave script; its last lines serve slave 1 (tests that need more slaves replace them).</summary>
    internal const string Script = """
        import logging, sys
        from pymodbus.server import StartSerialServer
        from pymodbus.datastore import ModbusSlaveContext, ModbusServerContext, ModbusSparseDataBlock
        from pymodbus.transaction import ModbusRtuFramer

        def i32(v):  # INT32 low word first (CDAB)
            v &= 0xFFFFFFFF
            return [v & 0xFFFF, v >> 16]

        regs = {a: 0 for a in range(0x0000, 0x0052)}
        def put32(a, v):
            lo, hi = i32(v)
            regs[a] = lo
            regs[a + 1] = hi
        for i, v in enumerate([2300, 2315, 2290]): put32(2 * i, v)
        for i, v in enumerate([3984, 4010, 3966]): put32(6 + 2 * i, v)
        put32(0x0C, 6521); put32(0x0E, 1200); put32(0x10, -1335)
        put32(0x12, 14000); put32(0x14, 2600); put32(0x16, -15000)
        put32(0x18, 0x7FFFFFFF)                  # VA L1: overflow, "no value"
        put32(0x28, 2600); put32(0x34, 123456); put32(0x4E, 8901)
        regs[0x2E] = 950; regs[0x30] = (-950) & 0xFFFF; regs[0x33] = 500
        for i, c in enumerate("235411W"): regs[0x5000 + i] = ord(c)
        regs[0x0302] = 1; regs[0x0303] = 2; regs[0x1103] = 1

        class Em340Block(ModbusSparseDataBlock):
            def getValues(self, address, count=1):
                if address == 0x000B and count == 1:   # the lone "test register" read returns the model code
                    return [341]
                return super().getValues(address, count)
            def validate(self, address, count=1):
                if address == 0x000B and count == 1:
                    return True
                return super().validate(address, count)

        block = Em340Block(dict(regs))
        slave = ModbusSlaveContext(hr=block, ir=block, zero_mode=True)
        context = ModbusServerContext(slaves={1: slave}, single=False)
        print("serving", flush=True)
        StartSerialServer(context=context, framer=ModbusRtuFramer, port=sys.argv[1], baudrate=9600, timeout=0.05)
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("pymodbus").FullName;
    private SocatPair _socat = null!;
    private PymodbusProcess? _python;

    public async Task InitializeAsync()
    {
        _socat = new SocatPair(_dir);
        await _socat.PlugAsync();
        _python = await PymodbusProcess.StartAsync(Path.Combine(_dir, "em340_slave.py"), Script, _socat.SimulatorLink);
    }

    public Task DisposeAsync()
    {
        _python?.Dispose();
        _socat.Dispose();
        Directory.Delete(_dir, true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Em340_driver_reads_a_pymodbus_slave_with_the_em340_layout()
    {
        using var stop = new CancellationTokenSource();
        var driver = new Em340Driver(new Em340Settings("grid", new SerialSettings(_socat.DeviceLink, Timeout: TimeSpan.FromSeconds(1)), PollInterval: TimeSpan.FromMilliseconds(500)),
            TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, stop.Token));
        try
        {
            await RecordingSink.WaitUntil(() => sink.Latest<MeterReading>() is not null, TimeSpan.FromSeconds(30), "a reading from pymodbus");
            var r = sink.Latest<MeterReading>()!;
            Assert.Equal("EM340", r.Model);
            Assert.Equal("235411W", r.Serial);
            Assert.Equal("B.2", r.Firmware);
            Assert.False(driver.Identity!.HasDecimalEnergies);   // pymodbus answers 0x0400 with exception 02
            Assert.Equal(230.0, r.L1.Voltage);
            Assert.Equal(398.4, r.L1.LineVoltage!.Value, 6);        // 0x000A/0x000B in a block is V L3-L1, not the model code
            Assert.Equal(396.6, r.L3.LineVoltage!.Value, 6);
            Assert.Equal(-1.335, r.L3.Current!.Value, 6);
            Assert.Equal(-1500.0, r.L3.Power);
            Assert.Equal(1400.0, r.L1.Power);
            Assert.Null(r.L1.ApparentPower);
            Assert.Equal(-0.95, r.L3.PowerFactor!.Value, 6);
            Assert.Equal(50.0, r.Frequency);
            Assert.Equal(12345.6, r.ImportEnergy!.Value, 6);
            Assert.Equal(890.1, r.ExportEnergy!.Value, 6);
            Assert.Equal(LinkState.Connected, sink.Current);
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
