namespace Gateway.Configuration;

/// <summary><c>web.alarms:</c> — the alarms users know from the MUST monitor.</summary>
public sealed record AlarmThresholds(double InputVoltageLow = 180, double BatteryLow = 20, double TemperatureHigh = 40, double LoadHigh = 80) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("input_voltage_low", InputVoltageLow);
        w.Add("battery_low", BatteryLow);
        w.Add("temperature_high", TemperatureHigh);
        w.Add("load_high", LoadHigh);
    }

    internal static AlarmThresholds Bind(ConfigSection s) => new(
        s.Double("input_voltage_low", 180, 0, 500),
        s.Double("battery_low", 20, 0, 100),
        s.Double("temperature_high", 40, -40, 150),
        s.Double("load_high", 80, 0, 200));
}
