namespace Gateway.Drivers.Readings;

/// <summary>
/// Where a driver sends what it learns. Implemented by the gateway's ReadingHub; never blocks the caller.
/// </summary>
public interface IReadingSink
{
    /// <summary>Publishes a new reading. The device becomes Connected unless the reading says otherwise.</summary>
    void Publish(Reading reading);

    /// <summary>Reports a link state change with a human-readable reason. Repeating the same state is a no-op.</summary>
    void ReportLinkState(string deviceId, LinkState state, string? reason = null);

    /// <summary>
    /// The device answered a poll with exactly the data of its latest reading: that reading is confirmed as seen at
    /// <paramref name="at"/> (<see cref="Reading.Confirm"/>) and nothing is fanned out. False when the sink has no
    /// current reading of the device to confirm (none yet, or the link is not Connected): the caller publishes one.
    /// </summary>
    bool Confirm(string deviceId, DateTimeOffset at) => false;
}
