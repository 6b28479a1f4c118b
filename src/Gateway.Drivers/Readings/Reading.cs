namespace Gateway.Drivers.Readings;

/// <summary>
/// An immutable reading from one device. It carries its device id, when it was taken and how long it stays
/// fresh (<see cref="MaxAge"/>, usually a few poll intervals). Only <see cref="LastSeen"/> moves: a poll that
/// returns exactly the same data confirms the reading instead of making a new one.
/// </summary>
public abstract record Reading(string DeviceId, DateTimeOffset Timestamp, TimeSpan MaxAge)
{
    private long _confirmedUtcTicks;

    /// <summary>When the device last reported these values: <see cref="Timestamp"/>, or a later poll that returned the same data.</summary>
    public DateTimeOffset LastSeen => Volatile.Read(ref _confirmedUtcTicks) is var t && t > Timestamp.UtcTicks ? new DateTimeOffset(t, TimeSpan.Zero) : Timestamp;

    /// <summary>A poll at <paramref name="at"/> returned the same data: the reading stays current (one store, no new reading).</summary>
    public void Confirm(DateTimeOffset at) => Volatile.Write(ref _confirmedUtcTicks, at.UtcTicks);

    /// <summary>True while the reading was last seen less than <see cref="MaxAge"/> ago.</summary>
    public bool IsFresh(DateTimeOffset now) => now - LastSeen <= MaxAge;

    /// <summary>Every numeric value of this reading, with units.</summary>
    public abstract IReadOnlyList<Metric> Metrics { get; }
}
