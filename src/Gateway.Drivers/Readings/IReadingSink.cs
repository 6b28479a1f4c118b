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
}
