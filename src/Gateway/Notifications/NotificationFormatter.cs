using Gateway.Readings;

namespace Gateway.Notifications;

/// <summary>Which gateway events become notifications, and their titles.</summary>
public static class NotificationFormatter
{
    private static readonly HashSet<string> Crisis =
        [EventKinds.TriggerFired, EventKinds.ShutdownStarted, EventKinds.ShutdownStep, EventKinds.ShutdownFinished, EventKinds.ShutdownCancelled];

    public static Notification? From(GatewayEvent e, string gateway)
    {
        var title = e.Kind switch
        {
            EventKinds.ServiceStarted => "Gateway started",
            EventKinds.ServiceStopping => "Gateway stopping",
            EventKinds.PowerLost => "On battery",
            EventKinds.PowerRestored => "Power restored",
            EventKinds.DeviceLost => "Device lost",
            EventKinds.DeviceStale => "Device data stale",
            EventKinds.DeviceBack => "Device back",
            EventKinds.TriggerFired => "Shutdown triggered",
            EventKinds.ShutdownStarted => "Shutdown started",
            EventKinds.ShutdownStep => "Shutdown step",
            EventKinds.ShutdownFinished => "Shutdown finished",
            EventKinds.ShutdownCancelled => "Shutdown cancelled",
            EventKinds.PowerQuality => "Power quality",
            EventKinds.Alarm => "UPS alarm",
            EventKinds.UpsPowerCycle => "UPS power-cycle",
            EventKinds.LoadShed => "Load shed",
            EventKinds.PowerRestore => "Power restore",
            EventKinds.OutageReport => "Outage report",
            EventKinds.BatterySelfTest => "Battery self-test",
            _ => null,
        };
        if (title is null) return null;
        if (e.Data?.GetValueOrDefault("dry_run") == "true" && !title.StartsWith('[')) title = "[DRY-RUN] " + title;
        if (e.DeviceId is { } d) title = $"{title}: {d}";
        return new Notification(e.Kind, e.Severity, title, e.Message, e.At, e.DeviceId, Crisis.Contains(e.Kind), gateway,
            e.Data ?? new Dictionary<string, string>());
    }
}
