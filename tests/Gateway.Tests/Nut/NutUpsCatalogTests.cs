using Gateway.Tests.Support;
using Gateway.Configuration;
using Gateway.NutServer;

namespace Gateway.Tests.Nut;

public sealed class NutUpsCatalogTests
{
    [Fact]
    public void Ups_devices_are_served_under_their_nut_name_case_insensitively()
    {
        var yaml = """
            devices:
              - id: rack
                type: nut
                ups: dummy
                nut_name: ups
                name: Rack UPS
              - id: nas
                type: nut
                ups: other
                nut_name: nas-ups
              - id: plain
                type: nut
                ups: x
            """;
        var loadedConfig = TestConfig.Load(yaml);
        var config = loadedConfig;
        var catalog = NutUpsCatalog.FromConfig(config);
        Assert.Equal("rack", catalog.Find("UPS")!.DeviceId);
        Assert.Equal("Rack UPS", catalog.Find("ups")!.Description);
        Assert.Equal("plain", catalog.Find("plain")!.DeviceId);
        Assert.Equal("nas", catalog.Find("NAS-UPS")!.DeviceId);
        Assert.Equal(["nas-ups", "plain", "ups"], catalog.All.Select(u => u.Name));
        Assert.Equal("ups", catalog.FindDevice("rack")!.Name);
    }
}
