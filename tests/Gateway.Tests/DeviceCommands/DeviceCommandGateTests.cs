using Gateway.Configuration;
using Gateway.DeviceCommands;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Gateway.Tests.Support;
using Gateway.Tests.Web;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.DeviceCommands;

public sealed class DeviceCommandGateTests : IDisposable
{
    private const string Ups = "ups";
    private static readonly CommandSource Api = CommandSource.Api("127.0.0.1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 6, 0, 0, TimeSpan.Zero));
    private readonly ReadingHub _hub;
    private readonly EventBus _events = new(NullLogger<EventBus>.Instance);
    private readonly EventSubscription _refusals;
    private readonly CommandRefusalLog _refusalLog;
    private readonly GatedDriver _driver = new(Ups, "beeper.enable", "beeper.disable", "shutdown.return", "load.off", "test.battery.start.quick",
        "shutdown.stayoff", "shutdown.reboot", "load.off.delay", "outlet.1.load.off", "outlet.2.shutdown.return", "outlet.group.1.load.cycle", "SHUTDOWN.RETURN");

    public DeviceCommandGateTests()
    {
        _hub = new ReadingHub(_time, NullLogger<ReadingHub>.Instance);
        _hub.Register(Ups, "must", DeviceKind.Ups);
        _refusals = _events.Subscribe("test");
        _refusalLog = new CommandRefusalLog(_events, _time);
    }

    public void Dispose()
    {
        _refusals.Dispose();
        _refusalLog.Dispose();
    }

    private DeviceCommandGate Gate(string deviceYaml = "") => new(Devices(deviceYaml), new DeviceDirectory([_driver]), _hub, _refusalLog, _time, NullLogger<DeviceCommandGate>.Instance);

    private static IReadOnlyList<DeviceOptions> Devices(string extra) => TestConfig.Load($"devices:\n  - id: ups\n    type: must\n    port: /dev/null\n{extra}").Devices;

    private List<GatewayEvent> RefusalEvents()
    {
        var list = new List<GatewayEvent>();
        while (_refusals.Reader.TryRead(out var e)) if (e.Kind == EventKinds.CommandRefused) list.Add(e);
        return list;
    }

    private void ShowBeeper(string status)
    {
        _hub.ReportLinkState(Ups, LinkState.Connected);
        _hub.Publish(TestReadings.Ups(Ups, _time.GetUtcNow(), extra: new() { [NutNames.UpsBeeperStatus] = status }));
    }

    [Theory]
    [InlineData("shutdown.return")]
    [InlineData("load.off")]
    [InlineData("shutdown.stayoff")]
    [InlineData("shutdown.reboot")]
    [InlineData("load.off.delay")]
    [InlineData("SHUTDOWN.RETURN")]
    // The per-outlet forms an upstream upsd offers through a type: nut device cut power just the same.
    [InlineData("outlet.1.load.off")]
    [InlineData("outlet.2.shutdown.return")]
    [InlineData("outlet.group.1.load.cycle")]
    public async Task Dangerous_commands_are_refused_unless_named_and_the_refusal_names_the_key_and_the_source(string command)
    {
        var gate = Gate();
        var outcome = await gate.RunAsync(Ups, command, CommandSource.Nut("admin", "127.0.0.2"), default);

        Assert.Equal(CommandVerdict.Forbidden, outcome.Verdict);
        Assert.Contains("allowed_dangerous_commands", outcome.Message);
        Assert.Empty(_driver.Started);
        var e = Assert.Single(RefusalEvents());
        Assert.Equal(Ups, e.DeviceId);
        Assert.Equal("nut admin@127.0.0.2", e.Data!["source"]);
        Assert.Equal("forbidden", e.Data["reason"]);
        Assert.DoesNotContain(command, gate.OfferedCommands(Ups));
    }

    [Fact]
    public async Task A_dangerous_command_listed_by_name_runs_and_is_offered_and_the_other_stays_refused()
    {
        var gate = Gate("    allowed_dangerous_commands: [shutdown.return]\n");

        Assert.Equal(CommandVerdict.Done, (await gate.RunAsync(Ups, "shutdown.return", Api, default)).Verdict);
        Assert.Equal(CommandVerdict.Forbidden, (await gate.RunAsync(Ups, "load.off", Api, default)).Verdict);
        Assert.Equal(["shutdown.return"], _driver.Started);
        Assert.Contains("shutdown.return", gate.OfferedCommands(Ups));
        Assert.DoesNotContain("load.off", gate.OfferedCommands(Ups));
    }

    [Fact]
    public void Offered_commands_are_worked_out_once_and_again_after_a_reconfigure_or_a_new_driver()
    {
        var directory = new DeviceDirectory([_driver]);
        var gate = new DeviceCommandGate(Devices(""), directory, _hub, _refusalLog, _time, NullLogger<DeviceCommandGate>.Instance);
        var first = gate.OfferedCommands(Ups);
        Assert.Equal(["beeper.enable", "beeper.disable", "test.battery.start.quick"], first);
        Assert.Same(first, gate.OfferedCommands(Ups));

        gate.Reconfigure(Devices("    allowed_dangerous_commands: [load.off]\n"));
        Assert.Equal(["beeper.enable", "beeper.disable", "load.off", "test.battery.start.quick"], gate.OfferedCommands(Ups));

        directory.Set(new GatedDriver(Ups, "beeper.enable", "load.off"));
        Assert.Equal(["beeper.enable", "load.off"], gate.OfferedCommands(Ups));
        directory.Remove(Ups);
        Assert.Empty(gate.OfferedCommands(Ups));
    }

    [Fact]
    public async Task A_second_command_while_one_is_running_is_refused_not_queued()
    {
        var gate = Gate();
        _driver.Hold();
        var first = gate.RunAsync(Ups, "beeper.disable", Api, default);
        Assert.Single(_driver.Started);

        var second = await gate.RunAsync(Ups, "test.battery.start.quick", CommandSource.Mqtt("gw/ups/command/battery_test"), default);

        Assert.Equal(CommandVerdict.Busy, second.Verdict);
        Assert.Contains("beeper.disable", second.Message);
        Assert.Single(_driver.Started);
        _driver.Release();
        Assert.Equal(CommandVerdict.Done, (await first).Verdict);
    }

    [Fact]
    public async Task The_same_command_within_the_interval_is_rate_limited_with_the_wait_and_runs_again_after_it()
    {
        var gate = Gate("    command_interval: 10s\n");
        Assert.Equal(CommandVerdict.Done, (await gate.RunAsync(Ups, "test.battery.start.quick", Api, default)).Verdict);
        _time.Advance(TimeSpan.FromSeconds(4));

        var limited = await gate.RunAsync(Ups, "test.battery.start.quick", Api, default);

        Assert.Equal(CommandVerdict.RateLimited, limited.Verdict);
        Assert.Equal(TimeSpan.FromSeconds(6), limited.RetryAfter);
        Assert.Contains("try again in 6.0 s", limited.Message);
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(CommandVerdict.Done, (await gate.RunAsync(Ups, "test.battery.start.quick", Api, default)).Verdict);
        Assert.Equal(2, _driver.Started.Count);
    }

    [Fact]
    public async Task Enable_and_disable_share_the_beeper_setting_so_a_toggle_flood_cannot_flip_it_at_will()
    {
        var gate = Gate();
        Assert.Equal(CommandVerdict.Done, (await gate.RunAsync(Ups, "beeper.disable", Api, default)).Verdict);
        Assert.Equal(CommandVerdict.RateLimited, (await gate.RunAsync(Ups, "beeper.enable", Api, default)).Verdict);
        Assert.Single(_driver.Started);
    }

    [Fact]
    public async Task A_setting_the_ups_already_shows_is_not_written()
    {
        var gate = Gate();
        ShowBeeper("disabled");

        var outcome = await gate.RunAsync(Ups, "beeper.disable", Api, default);

        Assert.Equal(CommandVerdict.AlreadySet, outcome.Verdict);
        Assert.Contains("ups.beeper.status = disabled", outcome.Message);
        Assert.Empty(_driver.Started);
        Assert.Equal(CommandVerdict.Done, (await gate.RunAsync(Ups, "beeper.enable", Api, default)).Verdict);
    }

    [Fact]
    public async Task The_same_write_just_made_is_not_repeated_even_before_the_reading_shows_it()
    {
        var gate = Gate();
        ShowBeeper("enabled");
        Assert.Equal(CommandVerdict.Done, (await gate.RunAsync(Ups, "beeper.disable", Api, default)).Verdict);
        _time.Advance(TimeSpan.FromSeconds(1));

        var again = await gate.RunAsync(Ups, "beeper.disable", Api, default);

        Assert.Equal(CommandVerdict.AlreadySet, again.Verdict);
        Assert.Single(_driver.Started);
    }

    [Fact]
    public async Task A_flood_of_3000_presses_writes_once_and_is_reported_as_one_refusal_and_one_summary()
    {
        var gate = Gate();
        var mqtt = CommandSource.Mqtt("gateway/gw/ups/command/beeper_toggle");
        var verdicts = new List<CommandVerdict>();
        for (var i = 0; i < 3000; i++)
        {
            verdicts.Add((await gate.RunAsync(Ups, i % 2 == 0 ? "beeper.disable" : "beeper.enable", mqtt, default)).Verdict);
            if (i % 100 == 0) _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Single(_driver.Started);
        Assert.Equal(1, verdicts.Count(v => v == CommandVerdict.Done));
        var first = Assert.Single(RefusalEvents());
        Assert.Contains("from mqtt gateway/gw/ups/command/beeper_toggle", first.Message);
        _time.Advance(CommandRefusalLog.Window);
        var summary = Assert.Single(RefusalEvents());
        var refused = verdicts.Count(v => v == CommandVerdict.RateLimited);
        Assert.Contains($"Refused {refused - 1} more command(s)", summary.Message);
    }

    [Fact]
    public async Task A_device_that_never_answers_fails_after_the_timeout_and_frees_the_gate()
    {
        var gate = Gate("    command_interval: 0s\n");
        _driver.Hold();
        var hanging = gate.RunAsync(Ups, "test.battery.start.quick", Api, default);
        _time.Advance(DeviceCommandGate.CommandTimeout);

        var outcome = await hanging;

        Assert.Equal(CommandVerdict.Failed, outcome.Verdict);
        Assert.Contains("did not answer within 10 s", outcome.Message);
        _driver.Release();
        Assert.Equal(CommandVerdict.Done, (await gate.RunAsync(Ups, "test.battery.start.quick", Api, default)).Verdict);
    }

    [Fact]
    public void Wildcards_are_not_accepted_for_dangerous_commands_and_harmless_entries_get_a_warning()
    {
        var result = ConfigLoader.LoadText("devices:\n  - id: ups\n    type: must\n    port: /dev/null\n    allowed_dangerous_commands: [\"shutdown.*\", beeper.enable]\n",
            "test.yaml", new Dictionary<string, string>(), []);
        Assert.False(result.Ok);
        var text = string.Join("\n", result.Problems.Select(p => p.ToString()));
        Assert.Contains("devices[0].allowed_dangerous_commands: 'shutdown.*': list each command by name", text);
        Assert.Contains("'beeper.enable' is not a dangerous command", text);
    }
}
