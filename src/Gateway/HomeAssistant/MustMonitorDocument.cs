namespace Gateway.HomeAssistant;

/// <summary>
/// The JSON document the MUST EP20 monitor (mustmon.py) published on <c>ups/telemetry</c>, field for field, so that
/// Home Assistant templates such as <c>{{ value_json.battery_level }}</c> keep reading it. Serialized in snake_case.
/// </summary>
public sealed record MustMonitorDocument(
    double InputVoltage,
    double OutputVoltage,
    double BatteryVoltage,
    int BatteryLevel,
    int LoadPercent,
    int LoadPower,
    double Frequency,
    double InputFrequency,
    double Temperature,
    string Timestamp,
    string Status,
    string Uptime,
    double BatterySocPercent,
    double BatteryCurrentA,
    double BatteryTimeRemainingHours,
    double BatteryTimeRemainingMinutes);
