using Gateway.Drivers.Readings;

namespace Gateway.Readings;

/// <summary>Something that changed in the hub, delivered to every subscriber.</summary>
public abstract record HubEvent(string DeviceId, DateTimeOffset At);

/// <summary>A device produced a new reading.</summary>
public sealed record ReadingPublished(Reading Reading) : HubEvent(Reading.DeviceId, Reading.Timestamp);

/// <summary>A device's link changed state (Connected, Stale, Lost).</summary>
public sealed record LinkStateChanged(string DeviceId, LinkState Previous, LinkState Current, string? Reason, DateTimeOffset At) : HubEvent(DeviceId, At);
