namespace Gateway.Web.Alarms;

/// <summary>The stable names of alarms (JSON, /metrics, event data).</summary>
public static class AlarmKinds
{
    public const string InputVoltageLow = "input_voltage_low";
    public const string BatteryLow = "battery_low";
    public const string TemperatureHigh = "temperature_high";
    public const string LoadHigh = "load_high";
    /// <summary>The UPS itself reports an alarm (NUT <c>ups.alarm</c> is not empty).</summary>
    public const string UpsAlarm = "ups_alarm";

    /// <summary>The UPS reports <c>RB</c>: its battery needs replacing.</summary>
    public const string ReplaceBattery = "replace_battery";
    /// <summary>The configured battery install date says it is near or past its expected life.</summary>
    public const string BatteryAge = "battery_age";

    public static readonly string[] All = [InputVoltageLow, BatteryLow, TemperatureHigh, LoadHigh, UpsAlarm, ReplaceBattery, BatteryAge];
}
