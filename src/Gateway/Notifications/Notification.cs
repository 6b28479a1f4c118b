using Gateway.Readings;

namespace Gateway.Notifications;

/// <summary>A message for people, built from a gateway event.</summary>
/// <param name="Crisis">Part of a shutdown: every one is sent, with a longer timeout.</param>
public sealed record Notification(
    string Kind,
    EventSeverity Severity,
    string Title,
    string Message,
    DateTimeOffset At,
    string? DeviceId,
    bool Crisis,
    string Gateway,
    IReadOnlyDictionary<string, string> Data);
