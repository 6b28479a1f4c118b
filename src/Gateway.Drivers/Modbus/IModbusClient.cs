namespace Gateway.Drivers.Modbus;

/// <summary>
/// What a device driver sends its requests through: a <see cref="ModbusRtuMaster"/> of its own, or its
/// place on a shared <see cref="ModbusBus"/>. Errors are <see cref="ModbusError"/>s (the slave) or
/// <see cref="IOException"/> (the port).
/// </summary>
public interface IModbusClient
{
    /// <param name="urgent">A status read that goes before queued full polls of other devices on the same port.</param>
    Task<ModbusResponse> ExecuteAsync(ModbusRequest request, bool urgent, CancellationToken ct);
}
