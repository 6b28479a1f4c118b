using Gateway.HomeAssistant;

namespace Gateway.Tests.HomeAssistant;

public sealed class HaEntityTests
{
    [Fact]
    public void Beeper_button_uses_toggle_or_picks_enable_disable_from_the_current_status()
    {
        Assert.Equal("beeper.toggle", UpsEntities.BeeperCommand(["beeper.toggle", "beeper.enable"], "enabled"));
        Assert.Equal("beeper.disable", UpsEntities.BeeperCommand(["beeper.enable", "beeper.disable"], "enabled"));
        Assert.Equal("beeper.enable", UpsEntities.BeeperCommand(["beeper.enable", "beeper.disable"], "disabled"));
        Assert.Null(UpsEntities.BeeperCommand(["beeper.enable"], "disabled"));
        Assert.Empty(UpsEntities.Buttons(["shutdown.return"]));
        Assert.Equal(["battery_test"], UpsEntities.Buttons(["test.battery.start"]).Select(b => b.Key));
    }

    [Fact]
    public void Command_topics_parse_and_ids_are_sanitised()
    {
        var t = new HaTopics("gateway/gw", "homeassistant", "gw");
        Assert.True(t.TryParseCommand("gateway/gw/ups-1/command/battery_test", out var dev, out var key));
        Assert.Equal(("ups-1", "battery_test"), (dev, key));
        Assert.False(t.TryParseCommand("gateway/gw/ups-1/state", out _, out _));
        Assert.Equal("homeassistant/sensor/gw_ups-1/battery_charge/config", t.Config("sensor", "ups-1", "battery_charge"));
        Assert.Equal("sensor.gw_ups_1_battery_charge", t.DefaultEntityId("ups-1", UpsEntities.Values[0].Entity));
        Assert.Equal("a_b_c", HaTopics.Sanitize("a.b c"));
    }
}
