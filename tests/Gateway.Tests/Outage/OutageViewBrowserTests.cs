using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Support;
using Gateway.Tests.Web;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Gateway.Tests.Outage;

/// <summary>
/// The real binary in demo mode (simulated UPS behind the real driver, history in SQLite): a demo power cut long enough
/// for the time-on-battery trigger and the (dry-run) shutdown sequence, then mains back; the dashboard in headless
/// Chromium shows the outage as a timeline and the runtime estimate over it.
/// </summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class OutageViewBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_a_demo_outage_the_dashboard_shows_its_timeline_and_runtime_estimate()
    {
        using var dir = new TempDir("gw-outage-view");
        var port = FreePort.Next();
        var web = $"http://127.0.0.1:{port}";
        await using var gateway = GatewayProcess.Start(
        [
            "run", "--simulate",
            "--set", $"web.listen={web}",
            "--set", "nut_server.enabled=false",
            "--set", "mqtt.enabled=false",
            "--set", "mqtt.embedded_broker=false",
            "--set", "gpio.enabled=false",
            "--set", $"gateway.data_dir={dir.File("data")}",
            "--set", "history.interval=1s",
            "--set", "policy.on_battery_delay=2s",
            "--set", "policy.max_time_on_battery=12s",
        ], dir.Path);
        await gateway.WaitForHttpAsync(web + "/api/health", TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = new Uri(web), Timeout = TimeSpan.FromSeconds(10) };
        await Wait.UntilAsync(async () => (await Telemetry(http)).GetProperty("values").TryGetProperty("battery.runtime", out _),
            "the simulated UPS to report a runtime estimate", TimeSpan.FromSeconds(30));

        (await http.PostAsync("/api/demo/power-cut", null)).EnsureSuccessStatusCode();
        await Wait.UntilAsync(async () => await HasEvent(http, "shutdown_finished"), "the trigger and the dry-run shutdown sequence", TimeSpan.FromSeconds(90));
        (await http.PostAsync("/api/demo/power-restore", null)).EnsureSuccessStatusCode();
        await Wait.UntilAsync(async () => await HasEvent(http, "power_restored"), "power back", TimeSpan.FromSeconds(60));

        using var timeline = JsonDocument.Parse(await http.GetStringAsync("/api/outages/timeline"));
        var root = timeline.RootElement;
        Assert.True(root.GetProperty("outage").GetBoolean());
        Assert.Equal("events", root.GetProperty("source").GetString());
        Assert.True(root.GetProperty("runtime").GetArrayLength() >= 2, root.ToString());
        // The trigger came after 12 s of battery (max_time_on_battery), counted from the power loss.
        var trigger = root.GetProperty("entries").EnumerateArray().First(e => e.GetProperty("kind").GetString() == "trigger_fired");
        Assert.True(trigger.GetProperty("offset_seconds").GetDouble() >= 12, trigger.ToString());

        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1000 } });
            var errors = new List<string>();
            page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
            await page.GotoAsync(web);
            var view = page.Locator("#outage-timeline");
            await Assertions.Expect(view.Locator("li[data-kind=power_lost]")).ToHaveCountAsync(1);
            await Assertions.Expect(view.Locator("li[data-kind=trigger_fired]")).ToContainTextAsync("Trigger: max_time_on_battery");
            await Assertions.Expect(view.Locator("li[data-kind=shutdown_started]")).ToContainTextAsync("dry run");
            var steps = view.Locator("li[data-kind=shutdown_step]");
            Assert.True(await steps.CountAsync() >= 2, "the sequence's steps are on the timeline");
            await Assertions.Expect(steps.First.Locator(".took")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+\.\d s$"));
            await Assertions.Expect(view.Locator("li[data-kind=power_restored]")).ToContainTextAsync("Power back");
            await Assertions.Expect(view.Locator("li[data-kind=trigger_fired] .offset")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\+(\d+m )?\d+s$"));
            await Assertions.Expect(view.Locator("svg.runtime-chart polyline")).ToHaveCountAsync(1);
            await Assertions.Expect(view.Locator("svg.runtime-chart line.ev.power_lost")).ToHaveCountAsync(1);
            await Assertions.Expect(view.Locator("svg.runtime-chart line.ev.power_restored")).ToHaveCountAsync(1);

            var shot = Chromium.ArtifactPath("outage-timeline.png");
            await view.ScrollIntoViewIfNeededAsync();
            await page.Locator("section.outage-view").ScreenshotAsync(new LocatorScreenshotOptions { Path = shot });
            output.WriteLine($"outage timeline screenshot: {shot}");
            Assert.True(new FileInfo(shot).Length > 5_000);
            Assert.Empty(errors);
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    private static async Task<JsonElement> Telemetry(HttpClient http)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/telemetry/ups"));
        return doc.RootElement.Clone();
    }

    private static async Task<bool> HasEvent(HttpClient http, string kind)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/api/events?limit=200"));
        return doc.RootElement.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("kind").GetString() == kind);
    }
}
