using Gateway.Tests.Simulation;
using Gateway.Tests.Support;

namespace Gateway.Tests.ModbusTable;

/// <summary>
/// An Eastron SDM120-style meter answered by a Modbus slave this project did not write: Debian's python3-pymodbus
/// serving float32 input registers (high word first) on a socat pty, at the SDM120's addresses. Only the declared
/// registers exist: a read that bridges a gap gets exception 02, as on meters that refuse unmapped registers.
/// </summary>
public sealed class PymodbusSdm120 : IAsyncDisposable
{
    public const double Voltage = 229.9, Current = 5.25, Power = 1207.5, Frequency = 50.0, ImportEnergy = 1234.5;

    private const string Script = """
        import struct, sys
        from pymodbus.server import StartSerialServer
        from pymodbus.datastore import ModbusSlaveContext, ModbusServerContext, ModbusSparseDataBlock
        from pymodbus.transaction import ModbusRtuFramer

        regs = {}
        def f32(address, value):
            hi, lo = struct.unpack('>HH', struct.pack('>f', value))
            regs[address] = hi
            regs[address + 1] = lo
        f32(0x0000, 229.9); f32(0x0006, 5.25); f32(0x000C, 1207.5); f32(0x0046, 50.0); f32(0x0048, 1234.5)

        block = ModbusSparseDataBlock(regs)
        slave = ModbusSlaveContext(ir=block, hr=ModbusSparseDataBlock({0x1000: 0}), zero_mode=True)
        context = ModbusServerContext(slaves={int(sys.argv[2]): slave}, single=False)
        print("serving", flush=True)
        StartSerialServer(context=context, framer=ModbusRtuFramer, port=sys.argv[1], baudrate=9600, timeout=0.05)
        """;

    private readonly string _dir;
    private readonly SocatPair _socat;
    private readonly int _address;
    private PymodbusProcess? _python;

    public PymodbusSdm120(string dir, int address = 2)
    {
        _dir = dir;
        _address = address;
        _socat = new SocatPair(dir);
    }

    public string DeviceLink => _socat.DeviceLink;

    /// <summary>The YAML rows of the meter (the example file's, at this test's indentation).</summary>
    public const string Registers = """
            registers:
              - { key: voltage, address: 0x0000, function: input, type: float32, word_order: high_first, unit: V, device_class: voltage }
              - { key: current, address: 0x0006, function: input, type: float32, unit: A, device_class: current }
              - { key: power, address: 0x000C, function: input, type: float32, unit: W, device_class: power, state_class: measurement }
              - { key: frequency, address: 0x0046, function: input, type: float32, unit: Hz, device_class: frequency }
              - { key: import_energy, address: 0x0048, function: input, type: float32, unit: kWh, name: Import energy, device_class: energy, state_class: total_increasing }
        """;

    public async Task PlugAsync()
    {
        await _socat.PlugAsync();
        _python = await PymodbusProcess.StartAsync(Path.Combine(_dir, "sdm120_slave.py"), Script, _socat.SimulatorLink,
            _address.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public ValueTask DisposeAsync()
    {
        _python?.Dispose();
        _socat.Dispose();
        return ValueTask.CompletedTask;
    }
}
