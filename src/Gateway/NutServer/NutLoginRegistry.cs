namespace Gateway.NutServer;

/// <summary>Which connections are logged in to which UPS (GET NUMLOGINS, LIST CLIENT, the shutdown wait).</summary>
public sealed class NutLoginRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, NutSession> _logins = [];

    public void Add(NutSession session)
    {
        lock (_gate) _logins[session.Id] = session;
    }

    public void Remove(NutSession session)
    {
        lock (_gate) _logins.Remove(session.Id);
    }

    public int Count(string deviceId)
    {
        lock (_gate) return _logins.Values.Count(s => s.LoginUps?.DeviceId == deviceId);
    }

    public IReadOnlyList<string> Clients(string deviceId)
    {
        lock (_gate) return _logins.Values.Where(s => s.LoginUps?.DeviceId == deviceId).OrderBy(s => s.Id).Select(s => s.RemoteAddress).ToArray();
    }
}
