using System.Globalization;
using Gateway.Configuration;
using Gateway.Drivers.Modbus;
using Gateway.HomeAssistant;

namespace Gateway.DeviceTypes.ModbusTable;

/// <summary>
/// Reads <c>registers:</c> of a <c>type: modbus</c> device, one row at a time, and reports every bad row at its
/// line: a missing or duplicate key, an unknown type or function (with "did you mean"), an address past the end
/// of the register space or overlapping another row, a unit or state class Home Assistant does not accept for
/// the device class.
/// </summary>
public static class ModbusRegisterBinder
{
    public const string Key = "registers";

    /// <summary>The names of <c>type:</c> in a row → the core's layout; the u/s names and the intN names mean the same.</summary>
    public static readonly IReadOnlyDictionary<string, RegisterType> Types = new Dictionary<string, RegisterType>(StringComparer.OrdinalIgnoreCase)
    {
        ["u16"] = RegisterType.U16, ["s16"] = RegisterType.S16, ["u32"] = RegisterType.U32, ["s32"] = RegisterType.S32, ["float32"] = RegisterType.Float32,
        ["uint16"] = RegisterType.U16, ["int16"] = RegisterType.S16, ["uint32"] = RegisterType.U32, ["int32"] = RegisterType.S32,
    };

    internal static IReadOnlyList<ModbusRegisterOptions> Bind(ConfigSection device)
    {
        var rows = device.Sections(Key);
        if (rows.Count == 0)
        {
            device.Error(Key, "needs at least one row, e.g. '- { key: voltage, address: 0x0000, function: input, type: float32, unit: V }'");
            return [];
        }
        var list = new List<ModbusRegisterOptions>(rows.Count);
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var r = BindRow(row, out var key, out var line);
            if (key.Length > 0 && !firstLine.TryAdd(key, line))
            {
                row.Error("key", $"duplicate key '{key}' (first declared at line {firstLine[key]}); each value needs its own key");
                continue;
            }
            if (r is null) continue;
            if (list.FirstOrDefault(o => o.Register.Function == r.Register.Function && o.Register.Address < r.Register.End && r.Register.Address < o.Register.End) is { } other)
            {
                row.Error("address", $"registers {Hex(r.Register.Address)}–{Hex(r.Register.End - 1)} of '{r.Key}' overlap {Hex(other.Register.Address)}–{Hex(other.Register.End - 1)} of '{other.Key}' (line {other.Line}); "
                    + "a 32-bit value takes two registers, so the next value starts two addresses later");
                continue;
            }
            list.Add(r);
        }
        return list;
    }

    private static ModbusRegisterOptions? BindRow(ConfigSection row, out string key, out int line)
    {
        line = row.Anchor?.Start.Line is { } l ? (int)l : 0;
        var ok = true;
        key = row.RequiredString("key");
        if (key.Length > 0 && !IsKey(key))
        {
            row.Error("key", $"must be lower-case letters, digits and '_', starting with a letter (it names the value in the API, MQTT and /metrics), got '{key}'");
            ok = false;
        }
        if (!row.Has("address"))
        {
            row.Context.Error(row.Anchor, row.KeyPath("address"), "is required: the register number as in the data sheet, decimal or hex (0x0048)");
            ok = false;
        }
        var address = row.Int("address", -1, 0, 0xFFFF);
        var function = row.Choice("function", "holding", "holding", "input") == "input" ? ModbusFunction.ReadInputRegisters : ModbusFunction.ReadHoldingRegisters;
        var type = BindType(row, ref ok);
        var order = row.Choice("word_order", "high_first", "high_first", "low_first") == "low_first" ? WordOrder.LowFirst : WordOrder.HighFirst;
        var scale = row.Double("scale", 1);
        if (scale == 0)
        {
            row.Error("scale", "must not be 0 (every value would read 0); leave it out for 1");
            ok = false;
        }
        var unit = row.String("unit", "");
        var noValue = row.Long("no_value", int.MinValue, uint.MaxValue);
        var name = row.OptionalString("name");
        var (deviceClass, stateClass) = BindHomeAssistant(row, unit, ref ok);
        if (address >= 0 && type is { } t && address + (t is RegisterType.U16 or RegisterType.S16 ? 1 : 2) > 0x10000)
        {
            row.Error("address", $"a {t.ToString().ToLowerInvariant()} at {Hex(address)} would need register 0x10000, past the last Modbus register 0xFFFF");
            ok = false;
        }
        if (!ok || address < 0 || type is null || key.Length == 0) return null;
        var register = new ModbusRegister(key, (ushort)address, type.Value, scale, unit, order, function, noValue);
        return new ModbusRegisterOptions(register, name, deviceClass, stateClass, line);
    }

    private static RegisterType? BindType(ConfigSection row, ref bool ok)
    {
        if (row.OptionalString("type") is not { } text)
        {
            row.Context.Error(row.Anchor, row.KeyPath("type"), "is required: one of u16, s16, u32, s32, float32");
            ok = false;
            return null;
        }
        if (Types.TryGetValue(text.Trim(), out var t)) return t;
        row.Error("type", $"unknown register type '{text}'{DidYouMean.Hint(text, Types.Keys, Math.Max(2, text.Length / 3))}; use one of u16, s16, u32, s32, float32 (int16, uint16, int32, uint32 are accepted too)");
        ok = false;
        return null;
    }

    private static (string? DeviceClass, string? StateClass) BindHomeAssistant(ConfigSection row, string unit, ref bool ok)
    {
        var deviceClass = row.OptionalString("device_class");
        var stateClass = row.OptionalString("state_class");
        HaSensorRule? rule = null;
        if (deviceClass is not null)
        {
            if (!HaSensorRules.ByDeviceClass.TryGetValue(deviceClass, out rule))
            {
                row.Error("device_class", $"'{deviceClass}' is not a Home Assistant sensor device class{DidYouMean.Hint(deviceClass, HaSensorRules.ByDeviceClass.Keys, Math.Max(2, deviceClass.Length / 3))}; leave it out if none fits");
                ok = false;
            }
            else if (rule.Units is null)
            {
                row.Error("device_class", $"'{deviceClass}' is not for a number read from registers (Home Assistant expects a date, text or money there); leave it out");
                ok = false;
                rule = null;
            }
            else if (!rule.Units.Contains(unit.Length == 0 ? null : unit))
            {
                var accepted = rule.Units.Select(u => u ?? "(none)").ToArray();
                row.Error("unit", $"Home Assistant does not accept '{(unit.Length == 0 ? "(none)" : unit)}' for device_class {deviceClass}{DidYouMean.Hint(unit, rule.Units.OfType<string>(), Math.Max(1, unit.Length / 2))}; accepted: {string.Join(", ", accepted)} (use scale to convert)");
                ok = false;
            }
        }
        var allowed = rule?.StateClasses ?? HaSensorRules.StateClasses;
        if (stateClass is not null && !allowed.Contains(stateClass))
        {
            var where = rule is null ? "" : $" with device_class {deviceClass}";
            row.Error("state_class", $"'{stateClass}' is not accepted by Home Assistant{where}{DidYouMean.Hint(stateClass, allowed, Math.Max(2, stateClass.Length / 3))}; accepted: {string.Join(", ", allowed)}");
            ok = false;
        }
        stateClass ??= allowed.Contains("measurement") ? "measurement" : allowed.Contains("total_increasing") ? "total_increasing" : null;
        return (deviceClass, stateClass);
    }

    private static bool IsKey(string key) =>
        char.IsAsciiLetterLower(key[0]) && key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    public static string Hex(int address) => "0x" + address.ToString("X4", CultureInfo.InvariantCulture);
}
