using Gateway.Drivers.Modbus;
using Gateway.Drivers.Serial;

namespace Gateway.Drivers.ModbusTable;

/// <summary>What the driver of a device with a declared register table (<c>type: modbus</c>) needs from the configuration.</summary>
/// <param name="Registers">The rows, each published under its key; validated by the configuration (no overlaps, legal addresses).</param>
/// <param name="MaxRegistersPerRead">The most registers one read may ask for (the device's limit).</param>
/// <param name="MaxGap">The most unmapped registers one read may bridge (0: read only declared registers).</param>
/// <param name="Manufacturer">Shown in Home Assistant and the web; the device cannot say it itself.</param>
public sealed record ModbusTableSettings(
    string DeviceId,
    SerialSettings Serial,
    byte Address,
    IReadOnlyList<ModbusRegister> Registers,
    TimeSpan PollInterval,
    TimeSpan InterRequestDelay,
    int MaxRegistersPerRead = ModbusRequest.MaxReadCount,
    int MaxGap = 0,
    string? Manufacturer = null,
    string? Model = null);
