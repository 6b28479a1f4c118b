namespace Gateway.Hotplug;

/// <summary>
/// Decides whether a USB device is a UPS and which NUT driver serves it: a HID Power Device (usage page 0x84/0x85)
/// or a HID device of a known UPS vendor → <c>usbhid-ups</c>; the common Cypress/Megatec serial-over-USB bridges
/// → <c>nutdrv_qx</c>. <c>nut-scanner -U</c>, when installed, has the last word (see <see cref="NutScannerOutput"/>).
/// </summary>
public static class UsbUpsIdentifier
{
    /// <summary>Vendors whose HID devices are UPSes (APC, MGE/Eaton, CyberPower, Tripp Lite, Phoenixtec, Liebert, PowerCOM, …).</summary>
    internal static readonly IReadOnlySet<string> HidUpsVendors = new HashSet<string>(StringComparer.Ordinal)
    {
        "051d", "0463", "0764", "09ae", "06da", "10af", "0d9f", "2e51", "4234", "0592", "075d", "047c",
    };

    /// <summary>Megatec/Q1-protocol bridges (vendor:product) that need nutdrv_qx.</summary>
    internal static readonly IReadOnlySet<string> QxBridges = new HashSet<string>(StringComparer.Ordinal) { "0665:5161", "06da:0003", "0f03:0001", "14f0:00c9" };

    /// <summary>The NUT driver for this device, or null when it is not a UPS.</summary>
    public static string? DriverFor(UsbDevice d)
    {
        if (QxBridges.Contains($"{d.VendorId}:{d.ProductId}")) return "nutdrv_qx";
        if (d.HasPowerDeviceUsage) return "usbhid-ups";
        if (d.HasHidInterface && HidUpsVendors.Contains(d.VendorId)) return "usbhid-ups";
        return null;
    }

    /// <summary>True when a HID report descriptor selects usage page 0x84 (Power Device) or 0x85 (Battery System).</summary>
    public static bool DeclaresPowerDevice(ReadOnlySpan<byte> descriptor)
    {
        var i = 0;
        while (i < descriptor.Length)
        {
            var prefix = descriptor[i];
            if (prefix == 0xFE)
            {
                // Long item: 0xFE, size, tag, data.
                if (i + 1 >= descriptor.Length) return false;
                i += 3 + descriptor[i + 1];
                continue;
            }
            var size = (prefix & 0x03) == 3 ? 4 : prefix & 0x03;
            // Global item "Usage Page" = tag 0000, type 01 → 0x04 | size.
            if ((prefix & 0xFC) == 0x04 && size > 0 && i + size < descriptor.Length)
            {
                var page = descriptor[i + 1] | (size >= 2 ? descriptor[i + 2] << 8 : 0);
                if (page is 0x84 or 0x85) return true;
            }
            i += 1 + size;
        }
        return false;
    }
}
