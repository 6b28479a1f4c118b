namespace Gateway.Hotplug;

/// <summary>One USB device as sysfs describes it (/sys/bus/usb/devices/NAME).</summary>
/// <param name="SysName">The sysfs name, e.g. <c>1-1.2</c> (stable per physical port).</param>
/// <param name="VendorId">Four lower-case hex digits, e.g. <c>0463</c>.</param>
/// <param name="HasHidInterface">An interface of class 03 (HID).</param>
/// <param name="HasPowerDeviceUsage">A HID report descriptor declares usage page 0x84 (Power Device) or 0x85 (Battery System).</param>
public sealed record UsbDevice(
    string SysName,
    string VendorId,
    string ProductId,
    string? Manufacturer,
    string? Product,
    string? Serial,
    bool HasHidInterface,
    bool HasPowerDeviceUsage);
