using Gateway.NutServer;

namespace Gateway.Tests.Shutdown;

/// <summary>An FSD signal whose secondaries log out after a given number of polls (or never).</summary>
public sealed class FakeFsdSignal(int logins, int logoutAfterPolls) : IFsdSignal
{
    private int _polls;
    public string? FsdReason { get; private set; }
    public string? FsdDevice { get; private set; }

    public void SetFsd(string deviceId, string reason)
    {
        FsdDevice = deviceId;
        FsdReason = reason;
    }

    public bool IsFsd(string deviceId) => FsdDevice == deviceId;

    public void ClearFsd(string deviceId, string reason)
    {
        if (FsdDevice == deviceId) FsdDevice = null;
    }

    public int LoginCount(string deviceId)
    {
        if (FsdDevice is null) return logins;
        return logoutAfterPolls >= 0 && ++_polls > logoutAfterPolls ? 0 : logins;
    }
}
