namespace Gateway.Web.Alarms;

/// <summary>An alarm that is on right now for one device.</summary>
/// <param name="Kind">One of <see cref="AlarmKinds"/>.</param>
/// <param name="Value">The value that raised it (null for <see cref="AlarmKinds.UpsAlarm"/>).</param>
/// <param name="Since">Timestamp of the reading that raised it.</param>
public sealed record ActiveAlarm(string DeviceId, string Kind, string Message, double? Value, double? Threshold, string? Unit, DateTimeOffset Since);
