using Gateway.Battery;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Tests.Policy;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Battery;

public sealed class BatterySelfTestSchedulerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero));
    private readonly FakeDeviceDriver _ups = new("ups", DeviceKind.Ups, "test.battery.start", "shutdown.return");
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-selftest-").FullName;
    private readonly ReadingHub _hub;
    private readonly BatterySelfTestWindow _window;
    private PolicyStatus? _policy;
    private readonly EventBus _events = new(NullLogger<EventBus>.Instance);

    public BatterySelfTestSchedulerTests()
    {
        _hub = new ReadingHub(_time, NullLogger<ReadingHub>.Instance);
        _hub.Register("ups", "nut", DeviceKind.Ups);
        _window = new BatterySelfTestWindow(_time);
    }

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly BatterySelfTestOptions Options = new(true, TimeSpan.FromDays(30), new TimeOnly(3, 0), TimeSpan.FromMinutes(10));

    private BatterySelfTestScheduler Scheduler() => new(Options, "ups", isNut: true, id => id == "ups" ? _ups : null, _hub, () => _policy,
        _window, new BatterySelfTestStore(_dir), _time, NullLogger.Instance, _events);

    private void Report(string status, double charge, string testResult) =>
        _hub.Publish(new UpsReading("ups", _time.GetUtcNow(), TimeSpan.FromSeconds(30), UpsStatus.Parse(status),
            new Dictionary<string, string> { [NutNames.BatteryCharge] = $"{charge}", [NutNames.UpsTestResult] = testResult }));

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(condition());
    }

    /// <summary>Advances virtual time in 1 s steps (a fresh reading each step) until the condition holds.</summary>
    private async Task RunUntil(Func<bool> condition, string status, double charge, string testResult, TimeSpan max)
    {
        await RunFor(condition, status, charge, testResult, max);
        await Until(condition);
    }

    private async Task RunFor(Func<bool> stop, string status, double charge, string testResult, TimeSpan max)
    {
        var end = _time.GetUtcNow() + max;
        while (!stop() && _time.GetUtcNow() < end)
        {
            Report(status, charge, testResult);
            await Task.Delay(5);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task At_the_scheduled_time_it_sends_the_test_once_keeps_ob_out_of_the_policy_and_stores_the_result()
    {
        using var sub = _events.Subscribe("t");
        var scheduler = Scheduler();
        Report("OL", 100, "No test initiated");
        await scheduler.StartAsync(CancellationToken.None);
        await Until(() => scheduler.NextDue is not null);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 3, 0, 0, TimeSpan.Zero), scheduler.NextDue);

        _time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(5));
        await Task.Delay(50);
        Assert.Empty(_ups.Executed);
        await RunUntil(() => !_ups.Executed.IsEmpty, "OL", 100, "No test initiated", TimeSpan.FromMinutes(1));
        Assert.Equal(["test.battery.start"], _ups.Executed);
        Assert.True(_window.IsRunning("ups"));

        // The test runs on battery: the window stays open and the policy does not see an outage.
        await RunFor(() => false, "OB DISCHRG", 97, "In progress", TimeSpan.FromSeconds(20));
        Assert.True(_window.IsRunning("ups"));

        await RunUntil(() => !_window.IsRunning("ups"), "OL CHRG", 96, "Done and passed", TimeSpan.FromMinutes(1));
        var stored = await Wait(async () => await new BatterySelfTestStore(_dir).LoadAsync(CancellationToken.None));
        var result = Assert.Single(stored);
        Assert.Equal("Done and passed", result.Result);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 3, 0, 0, TimeSpan.Zero), result.At);
        Assert.Equal("ok", result.Command);
        // It was said twice: started, then passed with the UPS's result (to notifications and Home Assistant's events).
        var said = SelfTestEvents(sub);
        Assert.Equal(["started", "passed"], said.Select(e => e.Data!["phase"]));
        Assert.Equal("Done and passed", said[1].Data!["result"]);
        Assert.Equal(EventSeverity.Info, said[1].Severity);
        var note = Gateway.Notifications.NotificationFormatter.From(said[1], "gw")!;
        Assert.Equal("Battery self-test: ups", note.Title);
        Assert.Contains("passed: Done and passed", note.Message);
        var ha = System.Text.Encoding.UTF8.GetString(Gateway.HomeAssistant.HaEventDocument.Write(said[1]));
        Assert.Contains("\"battery_self_test\"", ha);
        Assert.Contains("Done and passed", ha);
        // The next one is due an interval later, at 03:00 again; nothing more was sent.
        await Until(() => scheduler.NextDue == new DateTimeOffset(2026, 12, 30, 3, 0, 0, TimeSpan.Zero));
        _time.Advance(TimeSpan.FromDays(1));
        await Task.Delay(50);
        Assert.Single(_ups.Executed);
        await scheduler.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_due_test_waits_while_an_outage_is_in_progress_or_the_battery_is_not_charged()
    {
        var scheduler = Scheduler();
        Report("OB DISCHRG", 80, "No test initiated");
        _policy = new PolicyStatus(PolicyState.OnBattery, "ups", _time.GetUtcNow(), null, null, null, null, false);
        await scheduler.StartAsync(CancellationToken.None);
        await Until(() => scheduler.NextDue is not null);
        _time.Advance(TimeSpan.FromHours(2));
        await Until(() => scheduler.NextDue == new DateTimeOffset(2026, 11, 30, 4, 0, 0, TimeSpan.Zero));
        Assert.Empty(_ups.Executed);
        Assert.False(_window.IsRunning("ups"));
        await scheduler.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void Ob_during_a_running_self_test_starts_no_outage_but_low_battery_still_counts()
    {
        var h = new PolicyHarness(new PolicyOptions { OnBatteryDelay = TimeSpan.FromSeconds(10) });
        for (var i = 0; i < 20; i++)
        {
            var r = PolicyHarness.Reading(new UpsSample("OB DISCHRG", 90, 1200), h.Wall);
            h.Policy.Evaluate(new PolicyObservation(h.Now + TimeSpan.FromSeconds(2 * i), h.Wall, r, LinkState.Connected, SelfTest: true));
        }
        Assert.False(h.Policy.InOutage);
        Assert.Equal(PolicyState.Normal, h.Policy.State);

        var lb = PolicyHarness.Reading(new UpsSample("OB DISCHRG LB", 10, 60), h.Wall);
        h.Policy.Evaluate(new PolicyObservation(h.Now + TimeSpan.FromSeconds(41), h.Wall, lb, LinkState.Connected, SelfTest: true));
        Assert.True(h.Policy.InOutage);
    }

    private static List<GatewayEvent> SelfTestEvents(EventSubscription sub)
    {
        var list = new List<GatewayEvent>();
        while (sub.Reader.TryRead(out var e)) if (e.Kind == EventKinds.BatterySelfTest) list.Add(e);
        return list;
    }

    [Fact]
    [Trait("Category", "Integration")]
    [Trait(Lane.Trait, Lane.FullOnly)]
    public async Task Against_a_real_upsd_whose_ups_lacks_the_command_the_test_is_a_failed_event_that_says_what_to_check()
    {
        // dummy-ups offers only load.off: the gateway's NUT driver reads upsd's command list and the test cannot run.
        await using var upsd = await Gateway.Tests.Nut.RealUpsd.StartAsync(Gateway.Tests.Nut.RealUpsd.DefaultData + "\nups.test.result: No test initiated");
        var driver = new Gateway.Drivers.Nut.NutDeviceDriver(new Gateway.Drivers.Nut.NutDriverSettings("ups", "127.0.0.1", upsd.Port, Gateway.Tests.Nut.RealUpsd.UpsName,
            "admin", "adminpw", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)), _time, NullLogger.Instance);
        using var sub = _events.Subscribe("t");
        var scheduler = new BatterySelfTestScheduler(Options, "ups", isNut: true, id => id == "ups" ? driver : null, _hub, () => _policy,
            _window, new BatterySelfTestStore(_dir), _time, NullLogger.Instance, _events);
        async Task Poll()
        {
            var sink = new RecordingSink(_time);
            await driver.PollOnceAsync(sink, CancellationToken.None);
            _hub.Publish(Assert.IsType<UpsReading>(sink.Readings.Last()));
        }
        await Poll();
        Assert.Equal("OL CHRG", ((UpsReading)_hub.Get("ups")!.Latest!).Status.ToString());
        await scheduler.StartAsync(CancellationToken.None);
        await Until(() => scheduler.NextDue is not null);
        // A fresh reading just before the test is due (the driver stamps it with the same virtual clock).
        _time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(2));
        await Poll();
        _time.Advance(TimeSpan.FromSeconds(2));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        List<GatewayEvent> said = [];
        while (said.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            said.AddRange(SelfTestEvents(sub));
        }
        var e = Assert.Single(said);
        Assert.Equal("failed", e.Data!["phase"]);
        Assert.Equal("notsupported", e.Data["command"]);
        Assert.Equal(EventSeverity.Warning, e.Severity);
        Assert.Contains("did not run", e.Message);
        Assert.Contains("instcmds in upsd.users", e.Message);
        Assert.False(_window.IsRunning("ups"));
        var kept = await Wait(async () => await new BatterySelfTestStore(_dir).LoadAsync(CancellationToken.None));
        Assert.Equal("notsupported", Assert.Single(kept).Command);
        Assert.Equal("Battery self-test: ups", Gateway.Notifications.NotificationFormatter.From(e, "gw")!.Title);
        await scheduler.StopAsync(CancellationToken.None);
    }

    private static async Task<T> Wait<T>(Func<Task<T>> read) where T : System.Collections.ICollection
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var value = await read();
        while (value.Count == 0 && DateTime.UtcNow < deadline) { await Task.Delay(20); value = await read(); }
        return value;
    }
}
