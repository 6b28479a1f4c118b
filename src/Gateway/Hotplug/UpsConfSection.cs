namespace Gateway.Hotplug;

/// <summary>The ups.conf section the hotplug keeps for the UPS under its stable name.</summary>
public sealed record UpsConfSection(string Name, string Driver, string VendorId, string ProductId, string? Serial, string? Description)
{
    /// <summary>True when <paramref name="device"/> is the UPS this section describes.</summary>
    public bool Matches(UsbDevice device, string driver) =>
        Driver == driver && VendorId == device.VendorId && ProductId == device.ProductId
        && (Serial is null || string.IsNullOrEmpty(device.Serial) || Serial == device.Serial);

    public static UpsConfSection For(string name, UsbDevice device, string driver)
    {
        var desc = string.Join(' ', new[] { device.Manufacturer, device.Product }.Where(s => !string.IsNullOrWhiteSpace(s)));
        return new UpsConfSection(name, driver, device.VendorId, device.ProductId, string.IsNullOrWhiteSpace(device.Serial) ? null : device.Serial,
            desc.Length == 0 ? null : desc);
    }
}
