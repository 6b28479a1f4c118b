using System.Text.Json;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Hosting;
using Gateway.Readings;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Gateway.Tests.Web;

/// <summary>The "All values" table shows each value as the device reported it; the tiles may round, the table must not.</summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class NativePrecisionBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDir _dataDir = new("gw-precision");
    private IHost _host = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        var result = ConfigLoader.LoadText($"""
            gateway: {"{"} data_dir: {_dataDir.Path} {"}"}
            web: {"{"} listen: http://127.0.0.1:0 {"}"}
            nut_server: {"{"} enabled: false {"}"}
            history: {"{"} enabled: false {"}"}
            gpio: {"{"} enabled: false {"}"}
            logging: {"{"} level: warning {"}"}
            """, null, new Dictionary<string, string>(), []);
        Assert.True(result.Config is not null, string.Join("\n", result.Problems));
        _host = GatewayHost.Build(result.Config!, new RunOptions());
        await _host.StartAsync();
        _base = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(cts.Token);
        _host.Dispose();
        _dataDir.Dispose();
    }

    [Fact]
    public async Task A_UPS_input_of_229_1_V_shows_229_1_in_the_table_while_the_tile_rounds()
    {
        var hub = _host.Services.GetRequiredService<ReadingHub>();
        hub.Register("ups", "must", DeviceKind.Ups);
        hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow, charge: 96, input: 229.1,
            extra: new() { ["battery.voltage"] = "13.65", ["ups.realpower"] = "1234.5", ["ups.temperature"] = "31.25" }));

        // The JSON the table reads carries the full value.
        using var http = new HttpClient { BaseAddress = _base };
        using (var doc = JsonDocument.Parse(await http.GetStringAsync("/api/telemetry/ups")))
        {
            Assert.Equal("229.1", doc.RootElement.GetProperty("values").GetProperty("input.voltage").GetProperty("value").GetRawText());
            Assert.Equal("13.65", doc.RootElement.GetProperty("values").GetProperty("battery.voltage").GetProperty("value").GetRawText());
        }

        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
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
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
