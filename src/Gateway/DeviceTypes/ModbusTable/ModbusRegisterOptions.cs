using Gateway.Drivers.Modbus;

namespace Gateway.DeviceTypes.ModbusTable;

/// <summary>One row of <c>registers:</c> of a <c>type: modbus</c> device: the core's register row plus what Home Assistant shows.</summary>
/// <param name="Name">The entity name in Home Assistant (default: the key, in words).</param>
/// <param name="DeviceClass">Home Assistant's sensor device class, checked against its units; null: none.</param>
/// <param name="StateClass">Home Assistant's state class (default: measurement, or total_increasing where the device class takes no measurement).</param>
/// <param name="Line">Where the row is in the file, for messages.</param>
public sealed record ModbusRegisterOptions(ModbusRegister Register, string? Name, string? DeviceClass, string? StateClass, int Line)
{
    public string Key => Register.Key;
}
