using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Gateway.Policy;
using Gateway.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Gateway.Tests.Web;

/// <summary>
/// The dashboard in headless Chromium against a gateway that requires the token for reads, with a policy
/// on battery and a history store: the token prompt, the policy's time on battery and ETA, history charts.
/// </summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed partial class DashboardAuthBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly MutablePolicySource _policy = new();
    private ApiTestHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiTestHost.StartAsync($"web:\n  api_token: {ApiTestHost.Token}\n  auth_reads: true\n", s =>
        {
            s.AddSingleton<IPolicyStatusSource>(_policy);
            s.AddSingleton<IHistoryStore>(new FakeHistoryStore());
        });
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }

    private static Regex PointCount(int n) => new($@"^\S+(?: \S+){{{n - 1}}}$");

    [GeneratedRegex(@"^2m \d+s$")]
    private static partial Regex TwoMinutesAndSome();

    [GeneratedRegex(@"^runtime in [45]m \d+s$")]
    private static partial Regex RuntimeEta();

    [Fact]
    public async Task Asks_for_the_token_then_shows_policy_on_battery_and_history_charts()
    {
        var now = DateTimeOffset.UtcNow;
        _host.Hub.Publish(TestReadings.Ups("ups", now, charge: 74, input: 0, status: "OB DISCHRG"));
        _policy.Current = new PolicyStatus(PolicyState.OnBattery, "ups", now.AddSeconds(-125), "runtime", TimeSpan.FromSeconds(300),
            "on battery; runtime trigger in 5 min", now, DryRun: false);

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        var errors = new ConcurrentQueue<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Enqueue(m.Text); };
        page.PageError += (_, e) => errors.Enqueue(e);

        await page.GotoAsync(_host.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#auth-form")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#conn")).ToHaveTextAsync("token required");
        await Assertions.Expect(page.Locator("#dev-ups")).ToHaveCountAsync(0);

        await page.FillAsync("#auth-token", ApiTestHost.Token);
        await page.ClickAsync("#auth-form button[type=submit]");
        await Assertions.Expect(page.Locator("#auth-form")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#dev-ups [data-key='battery.charge'] .v")).ToHaveTextAsync("74%");
        await Assertions.Expect(page.Locator("#conn")).ToHaveTextAsync("live");
        await Assertions.Expect(page.Locator("[data-key='policy.state'] .badge")).ToHaveTextAsync("on battery");
        await Assertions.Expect(page.Locator("[data-key='policy.on_battery'] .v")).ToHaveTextAsync(TwoMinutesAndSome());
        await Assertions.Expect(page.Locator("[data-key='policy.eta'] .v")).ToHaveTextAsync(RuntimeEta());
        await Assertions.Expect(page.Locator("[data-key='policy.decision'] .v")).ToHaveTextAsync("on battery; runtime trigger in 5 min");
        await Assertions.Expect(page.Locator("[data-alarm='input_voltage_low']")).ToBeVisibleAsync();

        // History from the store (90 and 89.5, 59 and 58 minutes ago), then the live reading: three points.
        var chart = page.Locator("[data-chart='ups|battery.charge']");
        await Assertions.Expect(chart.Locator("polyline")).ToHaveAttributeAsync("points", PointCount(3));
        await Assertions.Expect(chart.Locator("text").First).ToHaveTextAsync("90");
        await Assertions.Expect(chart.Locator(".t span").Last).ToHaveTextAsync("74 %");
        await Assertions.Expect(page.Locator("#charts-note")).ToBeHiddenAsync();

        // Between history refreshes a new reading extends the chart at once.
        _host.Hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow, charge: 72, input: 0, status: "OB DISCHRG"));
        await Assertions.Expect(chart.Locator(".t span").Last).ToHaveTextAsync("72 %");
        await Assertions.Expect(chart.Locator("polyline")).ToHaveAttributeAsync("points", PointCount(4));

        var shot = Chromium.ArtifactPath("dashboard-on-battery.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"on-battery screenshot: {shot}");

        // The token is remembered in this browser.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#dev-ups [data-key='battery.charge'] .v")).ToHaveTextAsync("72%");
        await Assertions.Expect(page.Locator("#auth")).ToBeHiddenAsync();

        // Chromium logs the first, token-less requests' 401s; nothing else may go wrong.
        Assert.DoesNotContain(errors, e => !e.Contains("401", StringComparison.Ordinal));
        await context.CloseAsync();
    }
}
