namespace Gateway.Drivers.Readings;

/// <summary>
/// One numeric value of a reading with its unit. <see cref="Key"/> is stable: NUT variable names for UPSes
/// (<c>input.voltage</c>), <see cref="MeterKeys"/> for meters. MQTT, the web API, history and /metrics all use it.
/// </summary>
public readonly record struct Metric(string Key, double Value, string Unit);
