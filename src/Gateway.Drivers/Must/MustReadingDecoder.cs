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
        foreach (var v in MustRegisterMap.Main) vars[v.Name] = v.Render(main[v.Register - MustRegisterMap.MainStart]);
        foreach (var v in MustRegisterMap.Slow)
        {
            var index = v.Register - MustRegisterMap.SlowStart;
            if (index < slow.Length) vars[v.Name] = v.Render(slow[index]);
        }
        if (status.Alarms.Count > 0) vars[NutNames.UpsAlarm] = string.Join("; ", status.Alarms);
        return new UpsReading(deviceId, timestamp, maxAge, status.Status, vars);
    }
}
