namespace Gateway.Configuration;

/// <summary>
/// <c>nut_server.usb_hotplug:</c> — keep NUT's ups.conf current for a USB HID UPS driven by a local NUT driver,
/// under one stable name so dashboards never need reconfiguration.
/// </summary>
public sealed record UsbHotplugOptions : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("name", Name);
        w.Add("ups_conf", UpsConf);
        w.Add("scan_interval", ScanInterval);
        w.Add("driver_control", DriverControl);
        w.Add("sysfs_root", SysfsRoot);
        w.Add("dev_usb", DevUsb);
    }

    public bool Enabled { get; init; }
    /// <summary>The section name the UPS always gets in ups.conf.</summary>
    public string Name { get; init; } = "my-ups";
    public string UpsConf { get; init; } = "/etc/nut/ups.conf";
    /// <summary>Periodic rescan on top of the /dev/bus/usb watch (like SCAN_INTERVAL).</summary>
    public TimeSpan ScanInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How drivers are restarted: auto (systemctl when nut-driver@.service exists, else upsdrvctl), systemctl, upsdrvctl.</summary>
    public string DriverControl { get; init; } = "auto";
    public string SysfsRoot { get; init; } = "/sys";
    public string DevUsb { get; init; } = "/dev/bus/usb";

    internal static UsbHotplugOptions Bind(ConfigSection s)
    {
        var name = s.String("name", "my-ups");
        if (name.Length == 0 || name == "default" || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            s.Error("name", $"'{name}' cannot be a ups.conf section name (letters, digits, '-', '_', '.'; not 'default')");
        return new UsbHotplugOptions
        {
            Enabled = s.Bool("enabled", false),
            Name = name,
            UpsConf = s.String("ups_conf", "/etc/nut/ups.conf"),
            ScanInterval = s.Duration("scan_interval", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            DriverControl = s.Choice("driver_control", "auto", "auto", "systemctl", "upsdrvctl"),
            SysfsRoot = s.String("sysfs_root", "/sys"),
            DevUsb = s.String("dev_usb", "/dev/bus/usb"),
        };
    }
}
