namespace Gateway.Drivers.Modbus;

/// <summary>The device answered, but its identity is not what the driver expects (wrong device or address).</summary>
public sealed class UnexpectedDeviceException(string message) : ModbusError(message);
