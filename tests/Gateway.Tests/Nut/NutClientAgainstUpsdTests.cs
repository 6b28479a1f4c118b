using Gateway.Drivers.Devices;
using Gateway.Drivers.Nut;
using Gateway.Drivers.Readings;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Nut;

/// <summary>The <c>type: nut</c> driver and NutClient against a real Debian upsd + dummy-ups.</summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class NutClientAgainstUpsdTests
{
    private static NutDeviceDriver Driver(RealUpsd upsd, string ups = RealUpsd.UpsName, string? user = null, string? password = null) =>
        new(new NutDriverSettings("nas-ups", "127.0.0.1", upsd.Port, ups, user, password, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5)),
            TimeProvider.System, NullLogger.Instance);

    [Fact]
    public async Task Client_lists_ups_reads_variables_and_checks_the_name_echo()
    {
        await using var upsd = await RealUpsd.StartAsync();
        await using var c = await NutClient.ConnectAsync("127.0.0.1", upsd.Port, TimeSpan.FromSeconds(5), TimeProvider.System, default);
        Assert.StartsWith("Network UPS Tools upsd", await c.GetVersionAsync(default));
        var list = await c.ListUpsAsync(default);
        Assert.Equal([KeyValuePair.Create("dummy", "Test dummy UPS")], list);
        var vars = await c.ListVariablesAsync("dummy", default);
        Assert.Equal("OL CHRG", vars["ups.status"]);
        Assert.Equal("230.5", vars["input.voltage"]);
        // upsd matches names case-insensitively and echoes what was sent.
        Assert.Equal("100", await c.GetVariableAsync("DUMMY", "battery.charge", default));
        var e = await Assert.ThrowsAsync<NutException>(() => c.ListVariablesAsync("nosuch", default));
        Assert.Equal(NutErrorKind.Configuration, e.Kind);
        Assert.Equal(NutErrors.UnknownUps, e.ErrorWord);
    }

    [Fact]
    public async Task Driver_publishes_readings_follows_power_loss_goes_stale_when_the_driver_stops_and_recovers_after_upsd_restart()
    {
        await using var upsd = await RealUpsd.StartAsync();
        var driver = Driver(upsd);
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        var run = driver.RunAsync(sink, cts.Token);

        await NutProcess.WaitUntilAsync(() => sink.Latest<UpsReading>() is not null, "a first reading");
        var first = sink.Latest<UpsReading>()!;
        Assert.Equal("nas-ups", first.DeviceId);
        Assert.True(first.Status.OnLine);
        Assert.Equal(100, first.BatteryCharge);
        Assert.Equal(230.5, first.InputVoltage);

        await upsd.SetAsync("ups.status", "OB DISCHRG LB");
        await NutProcess.WaitUntilAsync(() => sink.Latest<UpsReading>()!.Status.OnBattery && sink.Latest<UpsReading>()!.Status.LowBattery, "OB LB from upsrw");
        Assert.Equal("OB LB DISCHRG", sink.Latest<UpsReading>()!.Variables["ups.status"]);

        await upsd.StopDriverAsync();
        await NutProcess.WaitUntilAsync(() => sink.Current == LinkState.Stale, "Stale after the NUT driver stopped");
        Assert.Contains(sink.Reports, s => s.State == LinkState.Stale && s.Reason!.Contains("driver is not connected", StringComparison.Ordinal));
        Assert.False(run.IsCompleted);

        await upsd.RestartDriverAsync();
        await NutProcess.WaitUntilAsync(() => sink.Current == LinkState.Connected, "Connected after the NUT driver came back");

        await upsd.StopServerAsync();
        await NutProcess.WaitUntilAsync(() => sink.Current == LinkState.Lost, "Lost while upsd is down");
        var readings = sink.Readings.Count;
        await upsd.StartServerAsync();
        await NutProcess.WaitUntilAsync(() => sink.Current == LinkState.Connected && sink.Readings.Count > readings, "recovery after upsd restart", TimeSpan.FromSeconds(30));
        Assert.True(driver.Counters.Reconnects >= 1);
        Assert.True(driver.Counters.LinkLosses >= 1);

        cts.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Unknown_ups_is_a_logged_configuration_error_not_a_crash()
    {
        await using var upsd = await RealUpsd.StartAsync();
        var driver = Driver(upsd, ups: "nosuch");
        var sink = new RecordingSink();
        var wait = await driver.PollOnceAsync(sink, default);
        Assert.Equal(LinkState.Lost, sink.Current);
        Assert.Contains("no UPS named 'nosuch'", sink.Reports.Last().Reason);
        Assert.Equal(NutDeviceDriver.MaxReconnectDelay, wait);
    }

    [Fact]
    public async Task Instant_commands_are_listed_and_forwarded_with_credentials()
    {
        await using var upsd = await RealUpsd.StartAsync();
        var driver = Driver(upsd, user: "admin", password: "adminpw");
        var sink = new RecordingSink();
        await driver.PollOnceAsync(sink, default);
        Assert.Contains("load.off", driver.Commands);
        // upsd answers OK once the command is handed to the driver (dummy-ups rejects load.off later).
        Assert.Equal(DeviceCommandStatus.Ok, (await driver.ExecuteAsync("load.off", default)).Status);
        Assert.Equal(DeviceCommandStatus.NotSupported, (await driver.ExecuteAsync("beeper.enable", default)).Status);

        var wrong = Driver(upsd, user: "admin", password: "wrong");
        await wrong.PollOnceAsync(new RecordingSink(), default);
        // Commands are not listed for a wrong password? upsd lists CMD without auth, so it still knows load.off.
        var denied = await wrong.ExecuteAsync("load.off", default);
        Assert.Equal(DeviceCommandStatus.Failed, denied.Status);
        Assert.Contains("denied", denied.Message);
    }

    [Fact]
    public async Task Refused_connection_is_Lost_with_a_plain_reason_and_backoff_grows()
    {
        var port = NutProcess.FreePort();
        var driver = new NutDeviceDriver(new NutDriverSettings("x", "127.0.0.1", port, "ups", null, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)),
            TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var w1 = await driver.PollOnceAsync(sink, default);
        var w2 = await driver.PollOnceAsync(sink, default);
        Assert.Equal(LinkState.Lost, sink.Current);
        Assert.Contains("connection refused", sink.Reports.Last().Reason);
        Assert.True(w2 > w1);
    }
}
