using Gateway.Configuration;
using Gateway.Hosting;
using Gateway.Shutdown.Restore;
using Gateway.Tests.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;

namespace Gateway.Tests.Outage;

/// <summary>The dashboard's outage timelines in real headless Chromium, from a data_dir with two finished outages.</summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class OutageTimelineBrowserTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "gw-outweb-" + Guid.NewGuid().ToString("N"));
    private IHost _host = null!;
    private Uri _base = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        var store = new OutageRecordStore(_dataDir);
        await new Gateway.Battery.BatterySelfTestStore(_dataDir).AppendAsync(
            new Gateway.Battery.BatterySelfTestResult(new DateTimeOffset(2026, 11, 1, 3, 0, 0, TimeSpan.Zero), "ups", "ok", "Done and passed"), default);
        var t0 = new DateTimeOffset(2026, 11, 28, 3, 0, 0, TimeSpan.Zero);
        // An outage of last year, gone from the outage history, still in the battery's health history.
        await new Gateway.Battery.BatteryHealthStore(_dataDir).AppendAsync(new Gateway.Battery.BatteryHealthPoint(
            new DateTimeOffset(2025, 12, 1, 3, 0, 0, TimeSpan.Zero), "outage", RuntimeAtFull: 5400, Ratio: 1.2, CapacityWattHours: 300, SagVolts: 1.5, ResistanceOhms: 0.12), default);
        await store.AppendHistoryAsync(new OutageRecord { StartedAt = t0, PowerBackAt = t0.AddMinutes(4), EndedAt = t0.AddMinutes(4), LowestCharge = 91, BatteryWattHours = 20 }, default);
        await store.AppendHistoryAsync(new OutageRecord
        {
            StartedAt = t0.AddDays(1), PowerBackAt = t0.AddDays(1).AddMinutes(50), EndedAt = t0.AddDays(1).AddMinutes(55),
            LowestCharge = 31, StartCharge = 100, BatteryWattHours = 180.5, SecondsOnBattery = 3000, StartRuntime = 4000, Trigger = "runtime", PowerCycle = "sent",
            Machines = [new("plex", OutageMachine.Container, OutageMachine.Shed, t0.AddDays(1).AddMinutes(2), OutageMachine.Started),
                        new("nas", OutageMachine.Host, OutageMachine.ShutDown, t0.AddDays(1).AddMinutes(38), OutageMachine.Woken)],
            Steps = [new("shed:plex", "ok", t0.AddDays(1).AddMinutes(2), 3), new("ssh:nas", "ok", t0.AddDays(1).AddMinutes(38), 41),
                     new("power_cycle", "ok", t0.AddDays(1).AddMinutes(39), 0), new("wake:nas", "woken", t0.AddDays(1).AddMinutes(54), 48)],
        }, default);
        var result = ConfigLoader.LoadText($"""
            gateway: {"{"} data_dir: {_dataDir} {"}"}
            web: {"{"} listen: http://127.0.0.1:0 {"}"}
            nut_server: {"{"} enabled: false {"}"}
            history: {"{"} enabled: false {"}"}
            gpio: {"{"} enabled: false {"}"}
            battery: {"{"} installed: 2022-01-01, expected_life_years: 4 {"}"}
            logging: {"{"} level: warning {"}"}
            """, null, new Dictionary<string, string>(), []);
        Assert.True(result.Config is not null, string.Join("\n", result.Problems));
        _host = GatewayHost.Build(result.Config!, new RunOptions());
        await _host.StartAsync();
        _base = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        if (_host is not null)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _host.StopAsync(cts.Token);
            _host.Dispose();
        }
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task The_dashboard_shows_the_last_outages_newest_first_as_timelines()
    {
        var page = await _browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        await page.GotoAsync(_base.ToString());
        var articles = page.Locator("#outages article");
        await Assertions.Expect(articles).ToHaveCountAsync(2);

        var newest = articles.Nth(0);
        await Assertions.Expect(newest.Locator("h3")).ToContainTextAsync("50m 0s");
        await Assertions.Expect(newest.Locator("h3")).ToContainTextAsync("lowest 31%");
        await Assertions.Expect(newest.Locator("h3")).ToContainTextAsync("180.5 Wh");
        await Assertions.Expect(newest.Locator("svg circle.mark")).ToHaveCountAsync(4);
        await Assertions.Expect(newest.Locator(".machines")).ToContainTextAsync("nas: shut down → woken");
        await Assertions.Expect(newest.Locator(".machines")).ToContainTextAsync("container plex: shed → started");
        await Assertions.Expect(newest.Locator(".outage-steps li")).ToHaveCountAsync(4);
        await Assertions.Expect(articles.Nth(1).Locator("h3")).ToContainTextAsync("4m 0s");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Api_battery_reports_age_and_health_from_the_recorded_outages()
    {
        using var http = new HttpClient { BaseAddress = _base };
        using var doc = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/battery"));
        var root = doc.RootElement;
        Assert.Equal("2022-01-01", root.GetProperty("installed").GetString());
        Assert.True(root.GetProperty("age_warning").GetBoolean());
        // 69 % in 50 min → 72.5 min to empty against the UPS's 66.7 min: 109 %.
        Assert.Equal(109, root.GetProperty("health_percent").GetDouble());
        Assert.Equal(1, root.GetProperty("estimates").GetArrayLength());
        var test = Assert.Single(root.GetProperty("self_tests").EnumerateArray());
        Assert.Equal("Done and passed", test.GetProperty("result").GetString());
        Assert.Equal("ups", test.GetProperty("device").GetString());

        // The history: last year's kept point, the self-test, the second outage (the first measured nothing), by time.
        var history = root.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["outage", "self_test", "outage"], history.Select(p => p.GetProperty("source").GetString()));
        Assert.Equal(1.2, history[0].GetProperty("ratio").GetDouble());
        Assert.Equal("passed", history[1].GetProperty("outcome").GetString());
        Assert.Equal(4348, history[2].GetProperty("runtime_at_full").GetDouble());   // 69 % in 50 min
    }

    [Fact]
    public async Task The_dashboard_charts_the_battery_health_over_time_with_the_self_tests()
    {
        var page = await _browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        await page.GotoAsync(_base.ToString());
        var battery = page.Locator("#battery");
        await Assertions.Expect(battery.Locator("svg.battery-chart circle.health")).ToHaveCountAsync(2);
        await Assertions.Expect(battery.Locator("svg.battery-chart rect.test.passed")).ToHaveCountAsync(1);
        await Assertions.Expect(battery.Locator("svg.battery-chart polyline")).ToHaveCountAsync(1);
        await Assertions.Expect(battery.Locator(".battery-head")).ToContainTextAsync("health 109 %");
        await Assertions.Expect(battery.Locator(".warn")).ToContainTextAsync("expected life");
        await Assertions.Expect(battery.Locator(".battery-points li")).ToHaveCountAsync(3);
        await Assertions.Expect(battery.Locator(".battery-points li").First).ToContainTextAsync("109 % of the estimate · 72 min at full");
        Assert.Empty(errors);
    }
}
