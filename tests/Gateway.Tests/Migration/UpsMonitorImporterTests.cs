using Gateway.Configuration;
using Gateway.Migration;
using static Gateway.Tests.Migration.ImportFixtures;

namespace Gateway.Tests.Migration;

public class UpsMonitorImporterTests
{
    [Fact]
    public void TheConfigDataclassOfVersion3BecomesDevicePolicyShutdownAndNotifications()
    {
        var result = UpsMonitorImporter.Import(Read("ups-monitor-3.0.py"), "ups-monitor.py");
        var config = Loads(result);

        var ups = Assert.IsType<NutDeviceOptions>(Assert.Single(config.Devices));
        Assert.Equal(("192.168.178.11", 3493, "UPS", "ups"), (ups.Host, ups.Port, ups.Ups, ups.NutName));
        Assert.Equal(TimeSpan.FromSeconds(1), ups.PollInterval);

        Assert.Equal(25, config.Policy.LowBatteryPercent);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Policy.DepletionWindow);
        Assert.Equal(12.5, config.Policy.CriticalDepletionRate);
        Assert.Equal(TimeSpan.FromSeconds(90), config.Policy.DepletionGrace);
        Assert.Equal(TimeSpan.FromMinutes(10), config.Policy.CriticalRuntime);
        Assert.Equal(3, config.Policy.StaleTolerance);
        Assert.Equal(TimeSpan.FromMinutes(20), config.Policy.MaxTimeOnBattery);

        Assert.Equal("https://discord.com/api/webhooks/123456789012345678/abcDEF-ghiJKL_mnoPQR", config.Notifications.DiscordWebhookUrl);
        Assert.Equal(TimeSpan.FromSeconds(3), config.Notifications.Timeout);

        Assert.True(config.Shutdown.DryRun);
        Assert.True(config.Shutdown.Vms.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(45), config.Shutdown.Vms.Wait);
        Assert.True(config.Shutdown.Containers.Enabled);
        Assert.Empty(config.Shutdown.Containers.Names);
        Assert.Equal(["/mnt/media", "/mnt/nas", "/mnt/backup"], config.Shutdown.Unmounts.Select(u => u.Path));
        Assert.Equal(["", "-l", ""], config.Shutdown.Unmounts.Select(u => u.Options));
        Assert.All(config.Shutdown.Unmounts, u => Assert.Equal(TimeSpan.FromSeconds(15), u.Timeout));

        var nas = Assert.Single(config.Shutdown.RemoteHosts);
        Assert.Equal(("nas", "192.168.178.229", "nas-admin", "sudo -i synoshutdown -s"), (nas.Name, nas.Host, nas.User, nas.Command));
        Assert.Equal(ImportItemStatus.Review, Item(result, "REMOTE_NAS_HOST").Status);
        Assert.Contains("known_hosts", Item(result, "REMOTE_NAS_HOST").Note);

        foreach (var (name, why) in new[]
        {
            ("LOG_FILE", "journal"), ("STATE_FILE", "data_dir"), ("SHUTDOWN_SCHEDULED_FILE", "data_dir"), ("BATTERY_HISTORY_FILE", "data_dir"),
            ("NOTIFICATION_TIMEOUT_BLOCKING", "never blocks"), ("COLOR_RED", "severity"), ("COLOR_BLUE", "severity"),
        })
        {
            var item = Item(result, name);
            Assert.Equal(ImportItemStatus.Unmapped, item.Status);
            Assert.Contains(why, item.Note);
            Assert.True(item.Line > 0);
        }
        Assert.Equal(33, Item(result, "LOG_FILE").Line);
        // Fields of the other dataclass below Config are not settings.
        Assert.Null(result.Report.Find("previous_status"));
        // Each of the 28 fields is reported, plus the steps the script took without a setting.
        var fields = PythonDataclassReader.ReadClass(Read("ups-monitor-3.0.py"), "Config", out _)!;
        Assert.Equal(28, fields.Count);
        Assert.All(fields, f => Assert.NotNull(result.Report.Find(f.Name)));
        Assert.NotNull(result.Report.Find("(script) virsh shutdown of every running VM"));
        Assert.NotNull(result.Report.Find("(script) docker stop of every running container"));
    }

    [Fact]
    public void AnEditedScriptKeepsWhatItCanAndNamesTheRestWithWhy()
    {
        var result = UpsMonitorImporter.Import(Read("ups-monitor-edited.py"), "edited.py");
        var config = Loads(result);

        var ups = Assert.IsType<NutDeviceOptions>(Assert.Single(config.Devices));
        Assert.Equal(("nas.local", 3494, "ups"), (ups.Host, ups.Port, ups.Ups));
        // 0.2 s is below the gateway's 500 ms floor for a NUT device: left out with the gateway's reason.
        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "CHECK_INTERVAL").Status);
        Assert.Contains("devices[0].poll_interval", Item(result, "CHECK_INTERVAL").Note);
        Assert.Equal(TimeSpan.FromSeconds(2), ups.PollInterval);

        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "LOW_BATTERY_THRESHOLD").Status);
        Assert.Contains("without running the script", Item(result, "LOW_BATTERY_THRESHOLD").Note);
        Assert.Equal(20, config.Policy.LowBatteryPercent);
        Assert.Equal(TimeSpan.FromMinutes(10), config.Policy.CriticalRuntime);

        Assert.Null(config.Notifications.DiscordWebhookUrl);
        Assert.Contains("placeholder", Item(result, "DISCORD_WEBHOOK_URL").Note);

        Assert.Equal(TimeSpan.Zero, config.Policy.MaxTimeOnBattery);
        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "EXTENDED_TIME").Status);
        Assert.Equal("policy.max_time_on_battery", Item(result, "EXTENDED_TIME_ON_BATTERY_SHUTDOWN").NewName);

        Assert.Equal(["plex", "nextcloud"], config.Shutdown.Containers.Names);
        Assert.Equal("shutdown.containers.names", Item(result, "CONTAINERS_TO_STOP").NewName);
        Assert.Equal(ImportItemStatus.Review, Item(result, "VMS_TO_SHUTDOWN").Status);
        Assert.Contains("win11", Item(result, "VMS_TO_SHUTDOWN").Note);

        Assert.Empty(config.Shutdown.RemoteHosts);
        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "REMOTE_NAS_HOST").Status);
        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "REMOTE_NAS_USER").Status);

        Assert.Equal(["/mnt/nas", "/srv/share"], config.Shutdown.Unmounts.Select(u => u.Path));
        Assert.All(config.Shutdown.Unmounts, u => Assert.Equal(TimeSpan.FromSeconds(20), u.Timeout));
        Assert.Equal(ImportItemStatus.Mapped, Item(result, "MOUNTS_TO_UNMOUNT[0]").Status);
        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "MOUNTS_TO_UNMOUNT[1]").Status);
        Assert.Equal(ImportItemStatus.Review, Item(result, "MOUNTS_TO_UNMOUNT[2]").Status);
        Assert.Contains("privileges: direct", Item(result, "MOUNTS_TO_UNMOUNT[2]").Note);

        Assert.Equal(ImportItemStatus.Unmapped, Item(result, "WAKE_ON_LAN").Status);
        Assert.Contains("not a setting", Item(result, "WAKE_ON_LAN").Note);
        Assert.Null(result.Report.Find("NOT_A_FIELD"));
        Assert.False(config.Shutdown.DryRun);
    }

    [Theory]
    [InlineData("ups", "ups", "127.0.0.1", 3493)]
    [InlineData("UPS@192.168.178.11", "UPS", "192.168.178.11", 3493)]
    [InlineData("myups@localhost:3500", "myups", "127.0.0.1", 3500)]
    [InlineData("eaton@[::1]:3493", "eaton", "::1", 3493)]
    public void NutUpsNamesAreSplitIntoUpsHostAndPort(string text, string ups, string host, int port)
    {
        Assert.True(UpsMonitorImporter.TryParseUpsName(text, out var u, out var h, out var p));
        Assert.Equal((ups, host, port), (u, h, p));
    }

    [Theory]
    [InlineData("ups@")]
    [InlineData("@host")]
    [InlineData("ups@host:notaport")]
    public void MalformedNutNamesAreRefused(string text) => Assert.False(UpsMonitorImporter.TryParseUpsName(text, out _, out _, out _));

    [Fact]
    public void AMalformedUpsNameIsWrittenAsLocalhostForReview()
    {
        var result = UpsMonitorImporter.Import("class Config:\n    UPS_NAME: str = 'ups@host:x'\n", "s.py");
        var config = Loads(result);
        Assert.Equal("127.0.0.1", ((NutDeviceOptions)config.Devices[0]).Host);
        Assert.Equal(ImportItemStatus.Review, Item(result, "UPS_NAME").Status);
    }

    [Theory]
    [InlineData("print('hello')\n", "no 'class Config' found")]
    [InlineData("class Config:\n    pass\n", "has no 'NAME: type = value' fields")]
    public void AScriptWithoutTheSettingsClassIsRefusedWithAReason(string script, string expected)
    {
        var result = UpsMonitorImporter.Import(script, "s.py");
        Assert.False(result.Succeeded);
        Assert.Contains(expected, result.Problem);
    }
}
