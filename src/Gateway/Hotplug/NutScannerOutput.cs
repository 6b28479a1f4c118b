using Gateway.Drivers.Nut;

namespace Gateway.Hotplug;

/// <summary>
/// Parses <c>nut-scanner -U</c> output (ups.conf syntax: <c>[nutdev1]</c>, <c>driver = "usbhid-ups"</c>,
/// <c>vendorid = "0463"</c>, …) into vendor:product → driver, so its judgement overrides the built-in table.
/// </summary>
public static class NutScannerOutput
{
    public static IReadOnlyDictionary<string, string> DriversByUsbId(string output)
    {
        var file = NutConfigFile.Parse("nut-scanner", output);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in file.Sections)
        {
            var keys = file.InSection(s.Section).ToDictionary(e => e.Key, e => e.Value ?? "", StringComparer.OrdinalIgnoreCase);
            if (keys.TryGetValue("driver", out var driver) && keys.TryGetValue("vendorid", out var v) && keys.TryGetValue("productid", out var p))
                map.TryAdd($"{v.ToLowerInvariant()}:{p.ToLowerInvariant()}", driver);
        }
        return map;
    }
}
