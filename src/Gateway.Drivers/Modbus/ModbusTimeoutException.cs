namespace Gateway.Drivers.Modbus;

/// <summary>No reply byte arrived within the request timeout.</summary>
public sealed class ModbusTimeoutException(byte slave, TimeSpan timeout)
    : ModbusError($"no reply from slave {slave} within {timeout.TotalMilliseconds:0} ms")
{
    public byte Slave { get; } = slave;
}
