namespace Gateway.Drivers.Readings;

/// <summary>
/// An immutable reading from one device. It carries its device id, when it was taken and how long it stays
/// fresh (<see cref="MaxAge"/>, usually a few poll intervals).
/// </summary>
public abstract record Reading(string DeviceId, DateTimeOffset Timestamp, TimeSpan MaxAge)
{
    /// <summary>True while the reading is younger than <see cref="MaxAge"/>.</summary>
    public bool IsFresh(DateTimeOffset now) => now - Timestamp <= MaxAge;

    /// <summary>Every numeric value of this reading, with units.</summary>
    public abstract IReadOnlyList<Metric> Metrics { get; }
}
