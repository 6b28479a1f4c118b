using Microsoft.Extensions.Logging;

namespace Gateway.NutServer;

/// <summary>
/// upsd's forced-shutdown latch: once set for a UPS (FSD from a primary, or the gateway's shutdown policy) it
/// shows as <c>FSD</c> in front of <c>ups.status</c>, so every secondary shuts down. The policy lifts it when the
/// shutdown is cancelled or power comes back, so a secondary that boots again does not see FSD and shut down again.
/// </summary>
public sealed class NutFsdLatch : IFsdSignal
{
    private readonly NutLoginRegistry _logins;
    private readonly ILogger<NutFsdLatch> _log;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _latched = new(StringComparer.Ordinal);

    public NutFsdLatch(NutLoginRegistry logins, ILogger<NutFsdLatch> log)
    {
        _logins = logins;
        _log = log;
    }

    public void SetFsd(string deviceId, string reason)
    {
        if (_latched.TryAdd(deviceId, reason))
            _log.LogWarning("NUT server: forced shutdown (FSD) set on {Device}: {Reason}", deviceId, reason);
    }

    public bool IsFsd(string deviceId) => _latched.ContainsKey(deviceId);

    public void ClearFsd(string deviceId, string reason)
    {
        if (_latched.TryRemove(deviceId, out _))
            _log.LogWarning("NUT server: forced shutdown (FSD) cleared on {Device}: {Reason}", deviceId, reason);
    }

    public int LoginCount(string deviceId) => _logins.Count(deviceId);
}
