namespace Gateway.Hotplug;

/// <summary>
/// The pure decision of the USB hotplug: given what ups.conf says now, whether the UPS was present at the last
/// scan, and the USB devices present now, decide whether to configure, start, stop or do nothing. No I/O.
/// </summary>
public static class HotplugDecider
{
    /// <param name="drivers">nut-scanner's vendor:product → driver, which beats the built-in table.</param>
    public static HotplugDecision Decide(string name, UpsConfSection? current, bool wasPresent, IReadOnlyList<UsbDevice> devices,
        IReadOnlyDictionary<string, string>? drivers = null)
    {
        var upses = devices
            .Select(d => (Device: d, Driver: drivers?.GetValueOrDefault($"{d.VendorId}:{d.ProductId}") ?? UsbUpsIdentifier.DriverFor(d)))
            .Where(x => x.Driver is not null)
            .ToList();
        if (upses.Count == 0)
        {
            return wasPresent
                ? new HotplugDecision(HotplugAction.Stop, current, $"the USB UPS '{name}' was unplugged")
                : new HotplugDecision(HotplugAction.None, current, "no USB UPS present");
        }
        // Prefer the UPS the section already describes, so a second UPS plugged in never steals the name.
        var known = current is null ? default : upses.FirstOrDefault(x => current.Matches(x.Device, x.Driver!));
        if (known.Device is not null)
        {
            return wasPresent
                ? new HotplugDecision(HotplugAction.None, current, "same UPS still present")
                : new HotplugDecision(HotplugAction.Start, current, $"UPS {Describe(known.Device)} is back on {known.Device.SysName}");
        }
        var chosen = upses.OrderBy(x => x.Device.SysName, StringComparer.Ordinal).First();
        var section = UpsConfSection.For(name, chosen.Device, chosen.Driver!);
        return new HotplugDecision(HotplugAction.Configure, section,
            current is null
                ? $"new UPS {Describe(chosen.Device)} on {chosen.Device.SysName}: adding [{name}] with {chosen.Driver}"
                : $"different UPS {Describe(chosen.Device)} on {chosen.Device.SysName}: rewriting [{name}] with {chosen.Driver}");
    }

    private static string Describe(UsbDevice d) =>
        $"{d.VendorId}:{d.ProductId}" + (d.Product is null ? "" : $" ({(d.Manufacturer is null ? "" : d.Manufacturer + " ")}{d.Product})");
}
