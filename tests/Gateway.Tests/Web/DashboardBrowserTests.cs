using System.Collections.Concurrent;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Hosting;
using Gateway.Readings;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Gateway.Tests.Web;

/// <summary>
/// The real gateway (GatewayHost.Build, real Kestrel on a free loopback port) and the dashboard in real
/// headless Chromium (Debian's /usr/bin/chromium driven by Playwright). Readings are published into the
/// host's ReadingHub as the drivers would.
/// </summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class DashboardBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "gw-web-" + Guid.NewGuid().ToString("N"));
    private IHost _host = null!;
    private Uri _base = null!;
    private ReadingHub _hub = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        var yaml = $"""
            gateway:
              data_dir: {_dataDir}
            web:
              listen: http://127.0.0.1:0
            nut_server:
              enabled: false
            history:
              enabled: false
            gpio:
              enabled: false
            logging:
              level: warning
            """;
        var result = ConfigLoader.LoadText(yaml, null, new Dictionary<string, string>(), []);
        Assert.True(result.Config is not null, string.Join("\n", result.Problems));
        _host = GatewayHost.Build(result.Config!, new RunOptions());
        await _host.StartAsync();
        _base = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _hub = _host.Services.GetRequiredService<ReadingHub>();
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
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    public async Task Dashboard_shows_live_values_alarms_and_charts_without_reload()
    {
        _hub.Register("ups", "must", DeviceKind.Ups);
        _hub.Register("grid", "em340", DeviceKind.Meter);
        _hub.Register("nas-ups", "nut", DeviceKind.Ups);
        _hub.ReportLinkState("nas-ups", Gateway.Drivers.Readings.LinkState.Lost, "connection refused");
        var t = DateTimeOffset.UtcNow;
        _hub.Publish(TestReadings.Ups("ups", t.AddSeconds(-4), charge: 97, input: 231));
        _hub.Publish(TestReadings.Ups("ups", t.AddSeconds(-2), charge: 96, input: 230));
        _hub.Publish(TestReadings.Meter("grid", t));

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        var requests = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        page.Request += (_, r) => requests.Enqueue(r.Url);
        page.Console += (_, m) => { if (m.Type == "error") errors.Enqueue(m.Text); };
        page.PageError += (_, e) => errors.Enqueue(e);

        var response = await page.GotoAsync(_base.ToString());
        Assert.Equal(200, response!.Status);
        Assert.Equal("Power Gateway", await page.TitleAsync());

        var input = page.Locator("#dev-ups [data-key='input.voltage'] .v");
        await Assertions.Expect(input).ToHaveTextAsync("230V");
        await Assertions.Expect(page.Locator("#dev-ups [data-key='battery.charge'] .v")).ToHaveTextAsync("96%");
        await Assertions.Expect(page.Locator("#dev-ups [data-key='ups.status']")).ToHaveTextAsync("OL CHRG");
        await Assertions.Expect(page.Locator("#dev-ups .badge.link")).ToHaveTextAsync("connected");
        await Assertions.Expect(page.Locator("#dev-grid [data-key='total.power'] .v")).ToHaveTextAsync("1360W");
        await Assertions.Expect(page.Locator("#dev-grid td[data-key='l1.voltage']")).ToHaveTextAsync("231");
        await Assertions.Expect(page.Locator("#dev-nas-ups .badge.link")).ToHaveTextAsync("lost");
        await Assertions.Expect(page.Locator("#conn")).ToHaveTextAsync("live");
        await Assertions.Expect(page.Locator("[data-key='policy.state'] .badge")).ToHaveTextAsync("normal");
        // A device that has never answered gets a card but no empty charts.
        await Assertions.Expect(page.Locator("[data-chart^='nas-ups|']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#events li").First).Not.ToBeEmptyAsync();

        // A change in the hub appears without a reload: the marker set in this document survives.
        await page.EvaluateAsync("() => { window.__sameDocument = 42; }");
        var navigations = 0;
        page.FrameNavigated += (_, _) => navigations++;
        _hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow, charge: 61, input: 171, load: 91, status: "OB DISCHRG"));
        await Assertions.Expect(input).ToHaveTextAsync("171V");
        await Assertions.Expect(page.Locator("#dev-ups [data-key='ups.status']")).ToHaveTextAsync("OB DISCHRG");
        await Assertions.Expect(page.Locator("#dev-ups [data-alarm='input_voltage_low']")).ToHaveTextAsync("Input voltage 171 V is below 180 V");
        await Assertions.Expect(page.Locator("#dev-ups [data-alarm='load_high']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#events")).ToContainTextAsync("ups: Alarm: Input voltage 171 V is below 180 V");
        await Assertions.Expect(page.Locator("#events")).ToContainTextAsync("Power lost");
        Assert.Equal(42, await page.EvaluateAsync<int>("() => window.__sameDocument"));
        Assert.Equal(0, navigations);

        // No history store in this configuration: the charts draw what arrived while the page was open.
        await Assertions.Expect(page.Locator("#charts-note")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-chart='ups|input.voltage'] polyline")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-chart='ups|battery.charge'] .t span").Last).ToHaveTextAsync("61 %");

        var shot = Chromium.ArtifactPath("dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"dashboard screenshot: {shot}");
        Assert.True(new FileInfo(shot).Length > 10_000);

        // Readable on a phone: nothing wider than the screen.
        await page.SetViewportSizeAsync(390, 844);
        await Assertions.Expect(page.Locator("#dev-ups")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "page is wider than a phone screen");
        var phone = Chromium.ArtifactPath("dashboard-phone.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = phone, FullPage = true });
        output.WriteLine($"phone screenshot: {phone}");

        Assert.All(requests, u => Assert.StartsWith(_base.GetLeftPart(UriPartial.Authority), u));
        Assert.Contains(requests, u => u.EndsWith("/assets/dashboard.js", StringComparison.Ordinal));
        // The only console errors allowed: Chromium reporting the history API's 503 (no store in this configuration).
        Assert.DoesNotContain(errors, e => !e.Contains("503", StringComparison.Ordinal));
        await context.CloseAsync();
    }

    [Fact]
    public async Task Real_host_serves_every_read_endpoint_and_the_embedded_assets()
    {
        _hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow));
        using var http = new HttpClient { BaseAddress = _base, Timeout = TimeSpan.FromSeconds(30) };
        foreach (var path in new[] { "/api/telemetry", "/api/telemetry/ups", "/api/events", "/api/policy", "/api/health" })
        {
            var r = await http.GetAsync(path);
            Assert.True(r.IsSuccessStatusCode, $"{path}: {r.StatusCode}");
            Assert.Equal("application/json", r.Content.Headers.ContentType!.MediaType);
        }
        var history = await http.GetAsync("/api/history/ups?metric=battery.charge");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, history.StatusCode);

        var metrics = await http.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        var families = PrometheusTextParser.Parse(await metrics.Content.ReadAsStringAsync());
        Assert.Contains("ups_input_voltage_volts", families.Keys);

        foreach (var (path, type) in new[] { ("/", "text/html"), ("/assets/dashboard.js", "text/javascript"), ("/assets/dashboard.css", "text/css") })
        {
            var r = await http.GetAsync(path);
            Assert.True(r.IsSuccessStatusCode, $"{path}: {r.StatusCode}");
            Assert.Equal(type, r.Content.Headers.ContentType!.MediaType);
            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.TryAddWithoutValidation("If-None-Match", r.Headers.ETag!.ToString());
            Assert.Equal(System.Net.HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);
        }
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/assets/nope.js")).StatusCode);
    }

    /// <summary>The "All values" table shows each value as the device reported it; the tiles may round, the table must not.</summary>
    [Fact]
    public async Task A_UPS_input_of_229_1_V_shows_229_1_in_the_All_values_table_while_the_tile_rounds()
    {
        _hub.Register("ups", "must", DeviceKind.Ups);
        _hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow, charge: 96, input: 229.1,
            extra: new() { ["battery.voltage"] = "13.65", ["ups.realpower"] = "1234.5", ["ups.temperature"] = "31.25" }));

        // The JSON the table reads carries the full value.
        using (var http = new HttpClient { BaseAddress = _base })
        using (var doc = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/telemetry/ups")))
        {
            Assert.Equal("229.1", doc.RootElement.GetProperty("values").GetProperty("input.voltage").GetProperty("value").GetRawText());
            Assert.Equal("13.65", doc.RootElement.GetProperty("values").GetProperty("battery.voltage").GetProperty("value").GetRawText());
        }

        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.GotoAsync(_base.ToString());
        await Assertions.Expect(page.Locator("#dev-ups [data-key='input.voltage'] .v")).ToHaveTextAsync("229V");
        await page.Locator("#dev-ups details summary").ClickAsync();
        await Assertions.Expect(page.Locator("#dev-ups td[data-value='input.voltage']")).ToHaveTextAsync("229.1 V");
        await Assertions.Expect(page.Locator("#dev-ups td[data-value='battery.voltage']")).ToHaveTextAsync("13.65 V");
        await Assertions.Expect(page.Locator("#dev-ups td[data-value='ups.temperature']")).ToHaveTextAsync("31.25 °C");
        await Assertions.Expect(page.Locator("#dev-ups td[data-value='ups.realpower']")).ToHaveTextAsync("1234.5 W");
        await Assertions.Expect(page.Locator("#dev-ups td[data-value='battery.runtime']")).ToHaveTextAsync("1800 s");

        var shot = Chromium.ArtifactPath("all-values-native-precision.png");
        await page.Locator("#dev-ups").ScreenshotAsync(new LocatorScreenshotOptions { Path = shot });
        output.WriteLine($"all values screenshot: {shot}");
        Assert.True(new FileInfo(shot).Length > 5_000);
    }
}
