using Gateway.Drivers.Devices;

namespace Gateway.Drivers.Modbus;

/// <summary>One device's requests on one opening of a shared bus, with that device's timing and counters.</summary>
public sealed class ModbusBusClient(ModbusBus bus, int generation, ModbusTiming timing, DriverCounters counters) : IModbusClient
{
    public ModbusBus Bus => bus;
    public int Generation => generation;

    public Task<ModbusResponse> ExecuteAsync(ModbusRequest request, bool urgent, CancellationToken ct) =>
        bus.ExecuteAsync(generation, request, timing, counters, urgent, ct);
}
