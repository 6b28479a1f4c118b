namespace Gateway.NutServer;

/// <summary>The state of one client connection: credentials given, the UPS it logged in to, TLS, tracking.</summary>
public sealed class NutSession
{
    private static long s_nextId;

    public NutSession(string remoteAddress)
    {
        RemoteAddress = remoteAddress;
        Id = Interlocked.Increment(ref s_nextId);
    }

    public long Id { get; }
    /// <summary>The client's IP address, as LIST CLIENT shows it.</summary>
    public string RemoteAddress { get; }
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>The UPS this connection sent LOGIN for (counted in NUMLOGINS until it disconnects).</summary>
    public NutServedUps? LoginUps { get; set; }
    public bool IsTls { get; set; }
    public bool Tracking { get; set; }
}
