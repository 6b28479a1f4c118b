using Gateway.Drivers.Modbus;
using Gateway.Drivers.ModbusTable;
using Gateway.HomeAssistant;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.DeviceTypes.ModbusTable;

/// <summary><c>type: modbus</c>: a device whose register table is declared in the configuration, read through the generic Modbus core.</summary>
public static class ModbusTableDeviceType
{
    public const string Name = "modbus";

    public static readonly DeviceType Type = new(
        Name,
        "{ port: /dev/ttyUSB0, registers: [ { key: voltage, address: 0x0000, type: float32 } ] }",
        ModbusTableDeviceOptions.Bind,
        (o, services, log) => new ModbusTableDriver(Settings((ModbusTableDeviceOptions)o), services.GetRequiredService<TimeProvider>(), log,
            buses: services.GetRequiredService<ModbusBuses>()),
        o => Entities((ModbusTableDeviceOptions)o));

    public static ModbusTableSettings Settings(ModbusTableDeviceOptions o) =>
        new(o.Id, o.Serial.ToSettings(), (byte)o.Address, [.. o.Registers.Select(r => r.Register)], o.PollInterval, o.InterRequestDelay,
            o.MaxRegistersPerRead, o.MaxGap, o.Manufacturer, o.Model);

    /// <summary>One sensor per row, under its key, with the row's unit, device class and state class.</summary>
    public static IReadOnlyDictionary<string, HaEntity> Entities(ModbusTableDeviceOptions o) =>
        o.Registers.ToDictionary(r => r.Key, r => new HaEntity
        {
            Component = HaComponents.Sensor,
            Key = MeterEntities.FieldOf(r.Key),
            Name = r.Name ?? Words(r.Key),
            DeviceClass = r.DeviceClass,
            Unit = r.Register.Unit.Length == 0 ? null : r.Register.Unit,
            StateClass = r.StateClass,
        }, StringComparer.Ordinal);

    /// <summary><c>import_energy</c> → "Import energy".</summary>
    private static string Words(string key)
    {
        var s = key.Replace('_', ' ');
        return char.ToUpperInvariant(s[0]) + s[1..];
    }
}
