namespace Gateway.NutServer;

/// <summary>
/// What the shutdown sequence needs from the NUT server: latch FSD on a UPS so secondaries shut down, and
/// count the secondaries still logged in (to wait up to HOSTSYNC for them to log out).
/// </summary>
public interface IFsdSignal
{
    void SetFsd(string deviceId, string reason);
    bool IsFsd(string deviceId);
    /// <summary>Lifts the latch (the shutdown was cancelled or power came back), so secondaries that reboot stay up.</summary>
    void ClearFsd(string deviceId, string reason);
    /// <summary>Clients that sent LOGIN for this UPS and are still connected.</summary>
    int LoginCount(string deviceId);
}
