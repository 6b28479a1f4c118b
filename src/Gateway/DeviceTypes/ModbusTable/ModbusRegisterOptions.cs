using Gateway.Configuration;
using Gateway.Drivers.Modbus;

namespace Gateway.DeviceTypes.ModbusTable;

/// <summary>One row of <c>registers:</c> of a <c>type: modbus</c> device: the core's register row plus what Home Assistant shows.</summary>
/// <param name="Name">The entity name in Home Assistant (default: the key, in words).</param>
/// <param name="DeviceClass">Home Assistant's sensor device class, checked against its units; null: none.</param>
/// <param name="StateClass">Home Assistant's state class (default: measurement, or total_increasing where the device class takes no measurement).</param>
/// <param name="Line">Where the row is in the file, for messages.</param>
public sealed record ModbusRegisterOptions(ModbusRegister Register, string? Name, string? DeviceClass, string? StateClass, int Line) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("register", Register, static (r, x) =>
        {
            x.Add("key", r.Key);
            x.Add("address", r.Address);
            x.Add("type", (long)r.Type);
            x.Add("scale", r.Scale);
            x.Add("unit", r.Unit);
            x.Add("word_order", (long)r.WordOrder);
            x.Add("function", (long)r.Function);
            x.Add("no_value", r.NoValue);
            x.Add("tier", (long)r.Tier);
        });
        w.Add("name", Name);
        w.Add("device_class", DeviceClass);
        w.Add("state_class", StateClass);
        w.Add("line", Line);
    }

    public string Key => Register.Key;
}
