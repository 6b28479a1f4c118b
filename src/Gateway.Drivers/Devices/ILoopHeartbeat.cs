namespace Gateway.Drivers.Devices;

/// <summary>
/// Long-running loops report that they are alive; the systemd watchdog is fed only while every registered
/// loop has beaten recently, so a hung loop leads to a restart.
/// </summary>
public interface ILoopHeartbeat
{
    /// <summary>Marks the named loop alive now. A loop beats at least once per iteration and while it waits.</summary>
    void Beat(string loop);
}
