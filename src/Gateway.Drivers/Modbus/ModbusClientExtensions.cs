namespace Gateway.Drivers.Modbus;

/// <summary>The register reads and writes every driver uses, over any <see cref="IModbusClient"/>.</summary>
public static class ModbusClientExtensions
{
    public static async Task<ushort[]> ReadHoldingRegistersAsync(this IModbusClient client, byte slave, ushort address, ushort count, CancellationToken ct) =>
        (await client.ExecuteAsync(ModbusRequest.Read(slave, ModbusFunction.ReadHoldingRegisters, address, count), false, ct).ConfigureAwait(false)).Registers;

    public static async Task<ushort[]> ReadInputRegistersAsync(this IModbusClient client, byte slave, ushort address, ushort count, CancellationToken ct) =>
        (await client.ExecuteAsync(ModbusRequest.Read(slave, ModbusFunction.ReadInputRegisters, address, count), false, ct).ConfigureAwait(false)).Registers;

    public static Task WriteSingleRegisterAsync(this IModbusClient client, byte slave, ushort address, ushort value, CancellationToken ct) =>
        client.ExecuteAsync(ModbusRequest.WriteSingle(slave, address, value), false, ct);

    public static Task WriteMultipleRegistersAsync(this IModbusClient client, byte slave, ushort address, ushort[] values, CancellationToken ct) =>
        client.ExecuteAsync(ModbusRequest.WriteMultiple(slave, address, values), false, ct);
}
