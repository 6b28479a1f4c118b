using Gateway.Drivers.Modbus;
using Gateway.Drivers.Readings;

namespace Gateway.Drivers.Must;

/// <summary>Registers → <see cref="UpsReading"/>: the table in <see cref="MustRegisterMap"/> plus the derived status.</summary>
public static class MustReadingDecoder
{
    public const string Manufacturer = "MUST";
    public const string Model = "EP20";

    /// <summary>
    /// Builds the reading, or returns null with <paramref name="problem"/> set when the registers are not a
    /// valid reading (work state outside 1–8).
    /// </summary>
    public static UpsReading? Decode(string deviceId, DateTimeOffset timestamp, TimeSpan maxAge, ReadOnlySpan<ushort> main,
        ReadOnlySpan<ushort> slow, int lowBatteryPercent, out string? problem)
    {
        problem = null;
        if (main.Length < MustRegisterMap.MainCount)
        {
            problem = $"expected {MustRegisterMap.MainCount} registers, got {main.Length}";
            return null;
        }
        var status = MustStatusDecoder.Decode(main, lowBatteryPercent);
        if (status is null)
        {
            problem = $"invalid work state {main[MustRegisterMap.WorkState - MustRegisterMap.MainStart]} (valid: 1–8)";
            return null;
        }
        var vars = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [NutNames.DeviceMfr] = Manufacturer,
            [NutNames.DeviceModel] = Model,
            [NutNames.DeviceType] = "ups",
            [NutNames.UpsMfr] = Manufacturer,
            [NutNames.UpsModel] = Model,
            [NutNames.DriverName] = "gateway-must",
            [NutNames.BatteryChargeLow] = lowBatteryPercent.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [NutNames.BatteryChargerStatus] = status.ChargerStatus,
        };
        var words = new Dictionary<ushort, ushort>(MustRegisterMap.MainCount + MustRegisterMap.SlowCount);
        ModbusRegisterDecoder.Store(MustRegisterMap.MainBlock, main, words);
        ModbusRegisterDecoder.Store(MustRegisterMap.SlowBlock, slow, words);
        Render(MustRegisterMap.Main, words, vars);
        Render(MustRegisterMap.Slow, words, vars);
        if (status.Alarms.Count > 0) vars[NutNames.UpsAlarm] = string.Join("; ", status.Alarms);
        return new UpsReading(deviceId, timestamp, maxAge, status.Status, vars);
    }

    /// <summary>Each row present in <paramref name="words"/> as NUT text: a code through its text, a quantity with the decimals its scale gives.</summary>
    private static void Render(IReadOnlyList<ModbusRegister> rows, IReadOnlyDictionary<ushort, ushort> words, Dictionary<string, string> vars)
    {
        foreach (var r in rows)
        {
            if (MustRegisterMap.Texts.TryGetValue(r.Key, out var text))
            {
                if (ModbusRegisterDecoder.Raw(r, words) is { } raw) vars[r.Key] = text((long)raw);
            }
            else if (ModbusRegisterDecoder.Value(r, words) is { } value)
            {
                vars[r.Key] = UpsReading.FormatNumber(value, Decimals(r.Scale));
            }
        }
    }

    /// <summary>×0.1 → one decimal, ×1 → none.</summary>
    private static int Decimals(double scale) => Math.Max(0, (int)Math.Round(-Math.Log10(scale)));
}
