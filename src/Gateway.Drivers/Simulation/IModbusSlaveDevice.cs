using Gateway.Drivers.Modbus;

namespace Gateway.Drivers.Simulation;

/// <summary>A simulated device behind a <see cref="ModbusSlaveServer"/>. Return null for success or the exception code to send.</summary>
public interface IModbusSlaveDevice
{
    byte Address { get; }

    /// <summary>False to stay silent for this request (an unpowered or unplugged device).</summary>
    bool Answers();

    ModbusExceptionCode? Read(ModbusFunction function, ushort address, ushort count, Span<ushort> into);

    ModbusExceptionCode? Write(ModbusFunction function, ushort address, ReadOnlySpan<ushort> values);
}
