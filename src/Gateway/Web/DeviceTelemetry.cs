namespace Gateway.Web;

/// <summary>One device's latest reading and link state (GET /api/telemetry/{device}).</summary>
/// <param name="Values">Every numeric value by metric key (NUT names for UPSes, <c>l1.voltage</c> style for meters).</param>
/// <param name="Variables">UPS only: every NUT variable as text, as upsd would list it.</param>
/// <param name="Fresh">False when the reading is older than its max age or the link is not connected.</param>
public sealed record DeviceTelemetry(
    string Id,
    string Type,
    string Kind,
    string Link,
    DateTimeOffset LinkSince,
    string? LinkReason,
    DateTimeOffset? Timestamp,
    double? AgeSeconds,
    bool Fresh,
    string? Status,
    IReadOnlyList<string>? StatusFlags,
    IReadOnlyDictionary<string, MetricValue> Values,
    IReadOnlyDictionary<string, string>? Variables,
    IReadOnlyList<AlarmView> Alarms,
    IReadOnlyList<string> Commands);
