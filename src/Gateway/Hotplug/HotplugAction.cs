namespace Gateway.Hotplug;

/// <summary>What the hotplug logic decided after a scan.</summary>
public enum HotplugAction
{
    /// <summary>Nothing changed.</summary>
    None,
    /// <summary>A new or different UPS: rewrite the ups.conf section and restart the driver.</summary>
    Configure,
    /// <summary>The same UPS came back: start its driver again (ups.conf is already right).</summary>
    Start,
    /// <summary>The UPS was unplugged: stop its driver and mark the device Lost.</summary>
    Stop,
}
