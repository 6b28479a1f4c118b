namespace Gateway.Drivers.Readings;

/// <summary>The state of the link between the gateway and one device. Failure is a state, not an exception.</summary>
public enum LinkState
{
    /// <summary>Configured, not yet verified with a real read (start-up).</summary>
    Connecting,
    /// <summary>Readings arrive and are fresh.</summary>
    Connected,
    /// <summary>The link is up but the data is old or the source says it is stale (NUT DATA-STALE).</summary>
    Stale,
    /// <summary>The link is gone (unplugged adapter, refused connection, too many timeouts); reconnecting with backoff.</summary>
    Lost,
}
