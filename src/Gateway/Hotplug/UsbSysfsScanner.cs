namespace Gateway.Hotplug;

/// <summary>
/// Reads the USB devices from a sysfs tree (<c>/sys</c> on the Pi; a recorded copy in tests): every
/// <c>bus/usb/devices/*</c> entry with an <c>idVendor</c>, its interfaces and their HID report descriptors.
/// </summary>
public static class UsbSysfsScanner
{
    public static IReadOnlyList<UsbDevice> Scan(string sysRoot)
    {
        var devicesDir = Path.Combine(sysRoot, "bus", "usb", "devices");
        if (!Directory.Exists(devicesDir)) return [];
        var list = new List<UsbDevice>();
        foreach (var dir in Directory.EnumerateDirectories(devicesDir).Concat(SymlinkedDirs(devicesDir)).Distinct().Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            if (name.Contains(':')) continue; // an interface, not a device
            var vendor = Attr(dir, "idVendor");
            var product = Attr(dir, "idProduct");
            if (vendor is null || product is null) continue;
            bool hid = false, power = false;
            foreach (var iface in SafeDirs(dir).Where(d => Path.GetFileName(d).StartsWith(name + ":", StringComparison.Ordinal)))
            {
                if (Attr(iface, "bInterfaceClass") != "03") continue;
                hid = true;
                foreach (var hidDev in SafeDirs(iface))
                {
                    var descriptor = Path.Combine(hidDev, "report_descriptor");
                    if (File.Exists(descriptor) && UsbUpsIdentifier.DeclaresPowerDevice(ReadBytes(descriptor))) power = true;
                }
            }
            list.Add(new UsbDevice(name, vendor.ToLowerInvariant(), product.ToLowerInvariant(), Attr(dir, "manufacturer"), Attr(dir, "product"), Attr(dir, "serial"), hid, power));
        }
        return list;
    }

    // /sys/bus/usb/devices holds symlinks; EnumerateDirectories follows them, this keeps the method honest for copies too.
    private static IEnumerable<string> SymlinkedDirs(string dir) =>
        new DirectoryInfo(dir).EnumerateFileSystemInfos().Where(i => i.LinkTarget is not null && Directory.Exists(i.FullName)).Select(i => i.FullName);

    private static IEnumerable<string> SafeDirs(string dir)
    {
        try { return Directory.EnumerateDirectories(dir).ToArray(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    private static string? Attr(string dir, string name)
    {
        try
        {
            var path = Path.Combine(dir, name);
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static byte[] ReadBytes(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }
}
