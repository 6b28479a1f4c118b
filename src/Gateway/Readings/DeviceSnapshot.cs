using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;

namespace Gateway.Readings;

/// <summary>What the hub knows about one device right now: its link state and its latest reading.</summary>
public sealed record DeviceSnapshot(
    string DeviceId,
    string Type,
    DeviceKind Kind,
    LinkState Link,
    DateTimeOffset LinkSince,
    string? LinkReason,
    Reading? Latest)
{
    /// <summary>The latest reading if the link is Connected and the reading is fresh; otherwise null.</summary>
    public Reading? Fresh(DateTimeOffset now) => Link == LinkState.Connected && Latest is { } r && r.IsFresh(now) ? r : null;
}
