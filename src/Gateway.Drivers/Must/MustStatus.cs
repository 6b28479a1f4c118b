using Gateway.Drivers.Readings;

namespace Gateway.Drivers.Must;

/// <summary>What the status registers say: the NUT flags, the alarm texts and the charger status.</summary>
public sealed record MustStatus(UpsStatus Status, IReadOnlyList<string> Alarms, string ChargerStatus);
