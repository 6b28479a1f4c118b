using Gateway.Configuration;
using Gateway.LiveApply;
using Gateway.Tests.Support;

namespace Gateway.Tests.LiveApply;

/// <summary>What differs between two configurations, what applies live, and the sentence for each setting that needs a restart.</summary>
public sealed class ConfigDiffTests
{
    private const string Base = """
        gateway: { name: lab, data_dir: /tmp/gw-diff }
        devices:
          - { id: ups, type: must, port: /dev/ttyUSB0, allowed_dangerous_commands: [shutdown.return] }
          - { id: grid, type: em340, port: /dev/ttyUSB0, address: 2 }
        mqtt: { host: 10.0.0.2 }
        nut_server:
          listen: ["127.0.0.1:3493"]
          users: [{ name: nas, password: secret1, role: secondary }]
        web: { listen: "http://127.0.0.1:8080" }
        policy: { protect: ups, low_battery_percent: 20 }
        shutdown:
          restore:
            wake: [{ name: nas, mac: "00:11:32:aa:bb:cc", broadcast: 192.168.1.255 }]
        """;

    private static GatewayConfig With(string replace = "", string by = "") =>
        TestConfig.Load(replace.Length == 0 ? Base : Base.Replace(replace, by, StringComparison.Ordinal));

    [Fact]
    public void The_same_file_loaded_twice_is_no_change_although_its_lists_are_other_instances()
    {
        var a = With();
        var b = With();
        Assert.NotSame(a.Devices[0].AllowedDangerousCommands, b.Devices[0].AllowedDangerousCommands);
        var change = ConfigDiff.Compare(a, b);
        Assert.True(change.IsEmpty);
        Assert.Empty(ConfigDiff.RestartReasons(a, b));
    }

    [Fact]
    public void Devices_added_removed_and_changed_are_told_apart()
    {
        var a = With();
        var b = TestConfig.Load(Base
            .Replace("- { id: grid, type: em340, port: /dev/ttyUSB0, address: 2 }", "- { id: pv, type: em340, port: /dev/ttyUSB1 }", StringComparison.Ordinal)
            .Replace("allowed_dangerous_commands: [shutdown.return]", "allowed_dangerous_commands: [shutdown.return, load.off]", StringComparison.Ordinal));
        var change = ConfigDiff.Compare(a, b);
        Assert.Equal(["pv"], change.DevicesAdded);
        Assert.Equal(["grid"], change.DevicesRemoved);
        Assert.Equal(["ups"], change.DevicesChanged);
        Assert.Equal(["devices"], change.Sections);
        Assert.Equal(["devices"], ConfigDiff.LiveSections(change));
        Assert.Empty(ConfigDiff.RestartReasons(a, b));
    }

    [Fact]
    public void Nut_users_apply_live_but_the_nut_listen_address_needs_a_restart_with_a_sentence()
    {
        var a = With();
        var users = With("password: secret1", "password: secret2");
        var change = ConfigDiff.Compare(a, users);
        Assert.True(change.NutUsersChanged);
        Assert.Equal(["nut_server"], ConfigDiff.LiveSections(change));
        Assert.Empty(ConfigDiff.RestartReasons(a, users));

        var listen = With("127.0.0.1:3493", "127.0.0.1:3494");
        Assert.False(ConfigDiff.Compare(a, listen).NutUsersChanged);
        Assert.Empty(ConfigDiff.LiveSections(ConfigDiff.Compare(a, listen)));
        var reason = Assert.Single(ConfigDiff.RestartReasons(a, listen));
        Assert.StartsWith("nut_server.listen: ", reason);
        Assert.Contains("until the gateway restarts", reason);
    }

    [Fact]
    public void Web_listen_and_data_dir_need_a_restart_and_a_setting_changed_back_needs_none()
    {
        var boot = With();
        var next = TestConfig.Load(Base.Replace("8080", "8081", StringComparison.Ordinal).Replace("/tmp/gw-diff", "/tmp/gw-diff2", StringComparison.Ordinal));
        var reasons = ConfigDiff.RestartReasons(boot, next);
        Assert.Contains(reasons, r => r.StartsWith("web.listen: ", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.StartsWith("gateway.data_dir: ", StringComparison.Ordinal));
        Assert.Equal(2, reasons.Count);
        // Restart reasons compare with what the process started with: back to the start values, nothing to restart for.
        Assert.Empty(ConfigDiff.RestartReasons(boot, With()));
    }

    [Fact]
    public void Policy_thresholds_and_the_mqtt_broker_apply_live()
    {
        var a = With();
        var b = TestConfig.Load(Base.Replace("low_battery_percent: 20", "low_battery_percent: 40", StringComparison.Ordinal)
            .Replace("host: 10.0.0.2", "host: 10.0.0.3", StringComparison.Ordinal));
        var change = ConfigDiff.Compare(a, b);
        Assert.Equal(["mqtt", "policy"], ConfigDiff.LiveSections(change).Order(StringComparer.Ordinal));
        Assert.Empty(ConfigDiff.RestartReasons(a, b));
    }

    [Fact]
    public void The_built_in_broker_and_another_protected_ups_need_a_restart()
    {
        var a = With();
        var b = TestConfig.Load(Base.Replace("mqtt: { host: 10.0.0.2 }", "mqtt: { host: 10.0.0.2, embedded_port: 1884 }", StringComparison.Ordinal)
            .Replace("policy: { protect: ups, low_battery_percent: 20 }", "policy: { low_battery_percent: 20 }", StringComparison.Ordinal)
            .Replace("- { id: ups, type: must,", "- { id: ups2, type: must,", StringComparison.Ordinal));
        var reasons = ConfigDiff.RestartReasons(a, b);
        Assert.Contains(reasons, r => r.StartsWith("mqtt.embedded_port: ", StringComparison.Ordinal));
        Assert.Contains("policy.protect: the policy keeps protecting 'ups' until the gateway restarts, then protects 'ups2'", reasons);
    }

    [Fact]
    public void Notification_channels_apply_live_but_the_power_quality_limits_need_a_restart()
    {
        var a = With();
        var b = TestConfig.Load(Base + "\nnotifications: { ntfy: { server: https://ntfy.example, topic: ups }, brownout_voltage: 200 }\n");
        Assert.Equal(["notifications"], ConfigDiff.LiveSections(ConfigDiff.Compare(a, b)));
        Assert.Equal(["notifications.brownout_voltage: the power-quality watch keeps the old limit until the gateway restarts"], ConfigDiff.RestartReasons(a, b));
    }

    [Fact]
    public void A_wake_on_lan_address_is_compared_by_value()
    {
        var a = With();
        var b = With("192.168.1.255", "192.168.2.255");
        var change = ConfigDiff.Compare(a, b);
        Assert.Equal(["shutdown"], change.Sections);
        Assert.Contains(ConfigDiff.RestartReasons(a, b), r => r.StartsWith("shutdown.restore: ", StringComparison.Ordinal));
    }
}
