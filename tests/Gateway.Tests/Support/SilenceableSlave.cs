using Gateway.Drivers.Modbus;
using Gateway.Drivers.Simulation;

namespace Gateway.Tests.Support;

/// <summary>A simulated slave that can be made silent (the request reaches it, no reply leaves), counting the requests addressed to it.</summary>
public sealed class SilenceableSlave(IModbusSlaveDevice inner) : IModbusSlaveDevice
{
    private long _addressed;
    private volatile bool _silent;

    public bool Silent { get => _silent; set => _silent = value; }
    public long Addressed => Interlocked.Read(ref _addressed);
    public byte Address => inner.Address;

    public bool Answers()
    {
        Interlocked.Increment(ref _addressed);
        return !_silent && inner.Answers();
    }

    public ModbusExceptionCode? Read(ModbusFunction function, ushort address, ushort count, Span<ushort> into) => inner.Read(function, address, count, into);
    public ModbusExceptionCode? Write(ModbusFunction function, ushort address, ReadOnlySpan<ushort> values) => inner.Write(function, address, values);
}
