namespace Gateway.Readings;

/// <summary>
/// Something a person should hear about: power lost/restored, a device lost/back, a trigger, a shutdown step.
/// Goes to the event log, MQTT <c>&lt;base&gt;/events</c>, notifications and the dashboard. <see cref="Kind"/> is one of <see cref="EventKinds"/>.
/// </summary>
public sealed record GatewayEvent(
    DateTimeOffset At,
    string Kind,
    EventSeverity Severity,
    string Message,
    string? DeviceId = null,
    IReadOnlyDictionary<string, string>? Data = null);

public enum EventSeverity { Info, Warning, Critical }
