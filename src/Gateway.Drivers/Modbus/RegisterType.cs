namespace Gateway.Drivers.Modbus;

/// <summary>How a value is laid out in registers: 16-bit (one register) or 32-bit (two) integers, or IEEE-754 float32.</summary>
public enum RegisterType { U16, S16, U32, S32, Float32 }
