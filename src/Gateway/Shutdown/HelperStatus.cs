namespace Gateway.Shutdown;

/// <summary>The helper's exit statuses (systemd/gateway-shutdown-action) and the ways systemctl can fail before it runs.</summary>
public enum HelperStatus
{
    Done,
    Failed,
    Refused,
    ToolMissing,
    Absent,
    StillRunning,
    Denied,
    Missing,
}
