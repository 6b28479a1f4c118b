using Gateway.Tests.Simulation;
using Gateway.Tests.Support;

namespace Gateway.Tests.Safety;

/// <summary>
/// A MUST EP20 answered by a Modbus slave this project did not write: Debian's python3-pymodbus serving the MUST
/// register layout (slave 10, 30000–30026 and 31000–31017) on a socat pty, as the reporter tested. What the
/// UPS reports comes from a control file read on every request ("OL 100" or "OB 18": status and charge), so a test
/// switches mains in a few milliseconds. <see cref="UnplugAsync"/> removes the ptys like a USB adapter that resets.
/// </summary>
public sealed class PymodbusMust : IAsyncDisposable
{
    private const string Script = """
        import sys
        from pymodbus.server import StartSerialServer
        from pymodbus.datastore import ModbusSlaveContext, ModbusServerContext, ModbusSparseDataBlock
        from pymodbus.transaction import ModbusRtuFramer

        control = sys.argv[2]
        slow = [0, 230, 105, 144, 138, 10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]

        def main_block():
            try:
                words = open(control).read().split()
            except OSError:
                words = ["OL", "100"]
            on_line = words[0] == "OL"
            soc = int(words[1]) if len(words) > 1 else 100
            amps = 2 if on_line else -(300 * 10 // 115)
            r = [0] * 27
            r[1] = 103; r[2] = 4 if on_line else 3; r[3] = 12; r[4] = 1000
            r[5] = 2300 if on_line else 0; r[6] = 500 if on_line else 0; r[7] = 2300; r[8] = 500; r[9] = 13
            r[10] = 300; r[12] = 30; r[14] = 135 if on_line else 120; r[15] = amps & 0xFFFF; r[17] = soc; r[18] = 33
            r[23] = 2 if soc >= 100 else 0; r[24] = 1 if on_line else 0; r[25] = 1
            return r

        class MustBlock(ModbusSparseDataBlock):
            def getValues(self, address, count=1):
                if 30000 <= address and address + count <= 30027:
                    return main_block()[address - 30000:address - 30000 + count]
                return super().getValues(address, count)
            def validate(self, address, count=1):
                if 30000 <= address and address + count <= 30027:
                    return True
                return super().validate(address, count)

        block = MustBlock({31000 + i: v for i, v in enumerate(slow)})
        slave = ModbusSlaveContext(hr=block, ir=block, zero_mode=True)
        context = ModbusServerContext(slaves={10: slave}, single=False)
        print("serving", flush=True)
        StartSerialServer(context=context, framer=ModbusRtuFramer, port=sys.argv[1], baudrate=9600, timeout=0.05)
        """;

    private readonly string _dir;
    private readonly SocatPair _socat;
    private PymodbusProcess? _python;

    public PymodbusMust(string dir)
    {
        _dir = dir;
        _socat = new SocatPair(dir);
        ControlFile = Path.Combine(dir, "ups-state");
        File.WriteAllText(ControlFile, "OL 100");
    }

    public string DeviceLink => _socat.DeviceLink;
    public string ControlFile { get; }

    /// <summary>What the UPS reports from now on, e.g. "OB 90".</summary>
    public void Set(string state) => File.WriteAllText(ControlFile, state);

    public async Task PlugAsync()
    {
        await _socat.PlugAsync();
        _python = await PymodbusProcess.StartAsync(Path.Combine(_dir, "must_slave.py"), Script, _socat.SimulatorLink, ControlFile);
    }

    /// <summary>The adapter disappears: the slave stops and the ptys are removed.</summary>
    public async Task UnplugAsync()
    {
        StopPython();
        await _socat.UnplugAsync();
    }

    private void StopPython()
    {
        _python?.Dispose();
        _python = null;
    }

    public ValueTask DisposeAsync()
    {
        StopPython();
        _socat.Dispose();
        return ValueTask.CompletedTask;
    }
}
