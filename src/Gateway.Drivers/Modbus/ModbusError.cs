namespace Gateway.Drivers.Modbus;

/// <summary>Base of every error the Modbus layer reports. Decoders throw nothing else, whatever the input.</summary>
public abstract class ModbusError(string message, Exception? inner = null) : Exception(message, inner);
