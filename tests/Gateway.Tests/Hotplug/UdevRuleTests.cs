using Gateway.Hotplug;

namespace Gateway.Tests.Hotplug;

public sealed class UdevRuleTests
{
    [Fact]
    public void Udev_rule_covers_every_ups_the_hotplug_recognises()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "gateway.sln"))) dir = Path.GetDirectoryName(dir);
        Assert.NotNull(dir);
        var rules = File.ReadAllText(Path.Combine(dir!, "systemd", "99-gateway-ups.rules"));
        var matches = System.Text.RegularExpressions.Regex.Matches(rules, "ATTR\\{idVendor\\}==\"([0-9a-f]{4})\"(?:, ATTR\\{idProduct\\}==\"([0-9a-f]{4})\")?");
        var vendors = matches.Where(m => !m.Groups[2].Success).Select(m => m.Groups[1].Value).ToHashSet();
        var pairs = matches.Where(m => m.Groups[2].Success).Select(m => $"{m.Groups[1].Value}:{m.Groups[2].Value}").ToHashSet();
        foreach (var v in UsbUpsIdentifier.HidUpsVendors)
            Assert.True(vendors.Contains(v) || pairs.Any(p => p.StartsWith(v + ":", StringComparison.Ordinal)), $"vendor {v} missing from the udev rule");
        foreach (var p in UsbUpsIdentifier.QxBridges)
            Assert.True(pairs.Contains(p) || vendors.Contains(p[..4]), $"bridge {p} missing from the udev rule");
        Assert.Contains("GROUP=\"nut\"", rules);
    }
}
