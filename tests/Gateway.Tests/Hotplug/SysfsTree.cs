namespace Gateway.Tests.Hotplug;

/// <summary>
/// Writes sysfs trees as the Pi's kernel shows them (/sys/bus/usb/devices/…), with attribute values and HID report
/// descriptor prefixes recorded from real devices: an Eaton 5E (0463:ffff), an APC Back-UPS (051d:0002), a
/// Logitech keyboard (046d:c31c) and the root hub.
/// </summary>
internal sealed class SysfsTree : IDisposable
{
    public SysfsTree() => Root = Directory.CreateTempSubdirectory("gw-sysfs-").FullName;

    public string Root { get; }
    private string Devices => Path.Combine(Root, "bus", "usb", "devices");

    // Report descriptor prefixes: Usage Page (Power Device) 05 84 / Usage Page (Generic Desktop) 05 01.
    public static readonly byte[] PowerDeviceDescriptor = [0x05, 0x84, 0x09, 0x04, 0xA1, 0x01, 0x09, 0x24, 0xA1, 0x02, 0x85, 0x01];
    public static readonly byte[] KeyboardDescriptor = [0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0];

    public SysfsTree RootHub()
    {
        Device("usb1", "1d6b", "0002", "Linux Foundation", "xHCI Host Controller", "0000:01:00.0", "09", null);
        return this;
    }

    public SysfsTree Eaton(string port = "1-1.2", string serial = "G355M13067") =>
        Device(port, "0463", "ffff", "EATON", "Eaton 5E", serial, "03", PowerDeviceDescriptor);

    public SysfsTree Apc(string port = "1-1.3") =>
        Device(port, "051d", "0002", "American Power Conversion", "Back-UPS ES 700G FW:871.O4 .I USB FW:O4", "5B1234T56789", "03", PowerDeviceDescriptor);

    public SysfsTree Keyboard(string port = "1-1.4") =>
        Device(port, "046d", "c31c", "Logitech", "USB Keyboard", null, "03", KeyboardDescriptor);

    public SysfsTree Device(string name, string vendor, string product, string? mfr, string? productName, string? serial, string ifaceClass, byte[]? descriptor)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Devices, name)).FullName;
        File.WriteAllText(Path.Combine(dir, "idVendor"), vendor + "\n");
        File.WriteAllText(Path.Combine(dir, "idProduct"), product + "\n");
        if (mfr is not null) File.WriteAllText(Path.Combine(dir, "manufacturer"), mfr + "\n");
        if (productName is not null) File.WriteAllText(Path.Combine(dir, "product"), productName + "\n");
        if (serial is not null) File.WriteAllText(Path.Combine(dir, "serial"), serial + "\n");
        var iface = Directory.CreateDirectory(Path.Combine(dir, $"{name}:1.0")).FullName;
        File.WriteAllText(Path.Combine(iface, "bInterfaceClass"), ifaceClass + "\n");
        if (descriptor is not null)
        {
            var hid = Directory.CreateDirectory(Path.Combine(iface, $"0003:{vendor.ToUpperInvariant()}:{product.ToUpperInvariant()}.0001")).FullName;
            File.WriteAllBytes(Path.Combine(hid, "report_descriptor"), descriptor);
        }
        // sysfs also lists the interface at top level.
        Directory.CreateDirectory(Path.Combine(Devices, $"{name}:1.0"));
        return this;
    }

    public void Remove(string name)
    {
        Directory.Delete(Path.Combine(Devices, name), true);
        Directory.Delete(Path.Combine(Devices, $"{name}:1.0"), true);
    }

    public void Dispose() => Directory.Delete(Root, true);
}
