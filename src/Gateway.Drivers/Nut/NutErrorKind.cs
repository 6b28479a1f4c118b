namespace Gateway.Drivers.Nut;

/// <summary>What went wrong talking to a NUT server, by what the user should do about it.</summary>
public enum NutErrorKind
{
    /// <summary>The server cannot be reached, refused, closed the connection or timed out.</summary>
    Connection,
    /// <summary>The server sent something that is not the NUT protocol, or an unexpected reply.</summary>
    Protocol,
    /// <summary>Wrong or missing user name or password, or the user may not do this (ACCESS-DENIED).</summary>
    Authentication,
    /// <summary>The request names something the server does not have (UNKNOWN-UPS, VAR-/CMD-NOT-SUPPORTED).</summary>
    Configuration,
    /// <summary>The UPS is known but its data is not current (DATA-STALE, DRIVER-NOT-CONNECTED).</summary>
    Stale,
}
