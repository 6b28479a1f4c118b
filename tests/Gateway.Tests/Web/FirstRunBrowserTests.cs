using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Gateway.Drivers.Simulation;
using Gateway.Tests.HomeAssistant;
using Gateway.Tests.Shutdown;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Gateway.Tests.Web;

/// <summary>
/// The first run of a fresh appliance, end to end in headless Debian Chromium against the real gateway binary started
/// with an almost empty configuration (a data_dir and a web port; no devices, no MQTT): a new user signs in with the
/// setup code, adds a MUST UPS and an EM340 meter on their ports (simulators on socat ptys), points MQTT at a real
/// mosquitto, adds the NAS as a remote host against a real sshd and accepts its host key on the tools page; then,
/// without a restart, live values of both devices are in /api/telemetry and their Home Assistant discovery on the broker.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class FirstRunBrowserTests(SshServerFixture sshd, ITestOutputHelper output) : IClassFixture<SshServerFixture>, IAsyncLifetime
{
    private const string Password = "first run password";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);
    private readonly TempDir _dir = new("gw-firstrun");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<(SocatPair Pair, PortSimulatorHost Host)> _simulators = [];
    private readonly StringBuilder _discovery = new();
    private MosquittoBroker _broker = null!;
    private Process? _subscriber;
    private GatewayProcess _gateway = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _base = "";
    private string DataDir => _dir.File("data");
    private string KnownHosts => _dir.File("known_hosts");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        _base = $"http://127.0.0.1:{FreePort.Next()}";
        var configPath = _dir.Write("config.yaml", $"""
            gateway:
              data_dir: {DataDir}
            web:
              listen: {_base}
            """, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _broker = await MosquittoBroker.StartAsync();
        _gateway = GatewayProcess.Start(["run", "--config", configPath], _dir.Path);
        (await _gateway.WaitForHttpAsync(_base + "/api/health", Generous)).Dispose();
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        if (_subscriber is { HasExited: false })
        {
            _subscriber.Kill();
            await _subscriber.WaitForExitAsync();
        }
        _subscriber?.Dispose();
        if (_gateway is not null)
        {
            _gateway.Terminate();
            await _gateway.WaitForExitAsync(TimeSpan.FromSeconds(20));
            output.WriteLine(_gateway.Output);
            await _gateway.DisposeAsync();
        }
        foreach (var (pair, host) in _simulators)
        {
            await host.DisposeAsync();
            pair.Dispose();
        }
        if (_broker is not null) await _broker.DisposeAsync();
        _http.Dispose();
        _dir.Dispose();
    }

    private async Task<string> SimulatorAsync(string name, IModbusSlaveDevice device)
    {
        var pair = new SocatPair(Directory.CreateDirectory(_dir.File(name)).FullName);
        await pair.PlugAsync();
        _simulators.Add((pair, new PortSimulatorHost(pair.SimulatorLink, device)));
        return pair.DeviceLink;
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var shot = Chromium.ArtifactPath(name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"screenshot: {shot}");
    }

    private async Task SaveAsync(IPage page)
    {
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#save-status")).ToHaveClassAsync("ok");
        output.WriteLine($"{page.Url}: {await page.Locator("#save-status").TextContentAsync()}");
    }

    private async Task<JsonElement?> DeviceAsync(string id)
    {
        var telemetry = JsonDocument.Parse(await _http.GetStringAsync(_base + "/api/telemetry")).RootElement;
        foreach (var d in telemetry.GetProperty("devices").EnumerateArray())
            if (d.GetProperty("id").GetString() == id) return d;
        return null;
    }

    private async Task<string> StartedAtAsync() =>
        JsonDocument.Parse(await _http.GetStringAsync(_base + "/api/health")).RootElement.GetProperty("started_at").GetString()!;

    private static bool Live(JsonElement? device) =>
        device is { } d && d.GetProperty("link").GetString() == "connected" && d.GetProperty("fresh").GetBoolean()
        && d.GetProperty("values").EnumerateObject().Any();

    private string Discovery
    {
        get { lock (_discovery) return _discovery.ToString(); }
    }

    private void SubscribeToDiscovery()
    {
        var psi = new ProcessStartInfo("mosquitto_sub",
            ["-h", "127.0.0.1", "-p", _broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "-u", MosquittoBroker.User, "-P", MosquittoBroker.Password, "-t", "homeassistant/#", "-v"])
        { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        _subscriber = Process.Start(psi)!;
        _subscriber.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_discovery) _discovery.AppendLine(e.Data); };
        _subscriber.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_discovery) _discovery.AppendLine("mosquitto_sub: " + e.Data); };
        _subscriber.BeginOutputReadLine();
        _subscriber.BeginErrorReadLine();
    }

    [Fact]
    public async Task A_new_user_sets_up_devices_mqtt_and_the_nas_from_the_browser_and_sees_live_values_and_discovery_without_a_restart()
    {
        var upsLink = await SimulatorAsync("ups", new MustSimulator(TimeProvider.System, seed: 19));
        var meterLink = await SimulatorAsync("meter", new Em340Simulator(TimeProvider.System, seed: 19));
        var startedAt = await StartedAtAsync();

        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(60_000);
        page.PageError += (_, e) => output.WriteLine($"page error: {e}");

        // First visit: the setup code from the data dir, then the admin password.
        await page.GotoAsync(_base + "/settings");
        await Assertions.Expect(page.Locator("#setup-form")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "firstrun-1-setup.png");
        var codePath = Path.Combine(DataDir, "setup-code");
        await Wait.UntilAsync(() => File.Exists(codePath), "the setup code file", Generous);
        await page.FillAsync("#setup-code", (await File.ReadAllTextAsync(codePath)).Trim());
        await page.FillAsync("#setup-password", Password);
        await page.FillAsync("#setup-password2", Password);
        await page.ClickAsync("#setup-form button[type=submit]");
        await Assertions.Expect(page.Locator("#page-title")).ToHaveTextAsync("Devices");

        // Devices: a MUST UPS and an EM340 meter on the simulators' ports.
        await page.ClickAsync("text=Add MUST UPS");
        await page.FillAsync("[data-path='devices[0].port']", upsLink);
        await page.ClickAsync("text=Add EM340 meter");
        await page.FillAsync("[data-path='devices[1].port']", meterLink);
        await ScreenshotAsync(page, "firstrun-2-devices.png");
        await SaveAsync(page);
        await Assertions.Expect(page.Locator("[data-path='devices[1].port']")).ToHaveValueAsync(meterLink);

        // MQTT: the real broker with its credentials.
        await page.GotoAsync(_base + "/settings/mqtt");
        await page.FillAsync("[data-path='mqtt.host']", "127.0.0.1");
        await page.FillAsync("[data-path='mqtt.port']", _broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.FillAsync("[data-path='mqtt.username']", MosquittoBroker.User);
        await page.FillAsync("[data-path='mqtt.password']", MosquittoBroker.Password);
        await ScreenshotAsync(page, "firstrun-3-mqtt.png");
        await SaveAsync(page);

        // Shutdown: the NAS as a remote host (the real sshd), its key trusted only through the tools page.
        await page.GotoAsync(_base + "/settings/shutdown");
        await page.ClickAsync("text=Add remote host");
        const string host = "shutdown.remote_hosts[0]";
        await page.FillAsync($"[data-path='{host}.name']", "nas");
        await page.FillAsync($"[data-path='{host}.host']", "127.0.0.1");
        await page.FillAsync($"[data-path='{host}.port']", sshd.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.FillAsync($"[data-path='{host}.user']", sshd.User);
        await page.FillAsync($"[data-path='{host}.key_file']", sshd.ClientKey);
        await page.FillAsync($"[data-path='{host}.known_hosts']", KnownHosts);
        await page.FillAsync($"[data-path='{host}.command']", "true");
        await ScreenshotAsync(page, "firstrun-4-shutdown.png");
        await SaveAsync(page);

        await page.GotoAsync(_base + "/settings/tools");
        await page.ClickAsync("button[data-host=nas]");
        var ssh = page.Locator("#ssh-result-nas");
        await Assertions.Expect(ssh).ToHaveAttributeAsync("data-status", "unknown_host_key");
        await Assertions.Expect(ssh.Locator(".fingerprint")).ToHaveTextAsync(sshd.HostKeyFingerprint);
        Assert.False(File.Exists(KnownHosts), "nothing may be trusted before the click");
        await ScreenshotAsync(page, "firstrun-5-host-key.png");
        await ssh.Locator("button[data-action=ssh-accept]").ClickAsync();
        await Assertions.Expect(ssh).ToHaveAttributeAsync("data-status", "ok");
        Assert.StartsWith($"[127.0.0.1]:{sshd.Port} ssh-ed25519 ", Assert.Single(await File.ReadAllLinesAsync(KnownHosts)));
        await ScreenshotAsync(page, "firstrun-6-host-key-accepted.png");

        // Live, without a restart: both devices read in /api/telemetry, their discovery on the broker.
        await Wait.UntilAsync(async () => Live(await DeviceAsync("ups")) && Live(await DeviceAsync("meter")),
            "live values of the UPS and the meter in /api/telemetry\n" + _gateway.Output, Generous);
        var ups = (await DeviceAsync("ups"))!.Value;
        Assert.True(ups.GetProperty("values").TryGetProperty("battery.charge", out _), ups.ToString());
        SubscribeToDiscovery();
        await Wait.UntilAsync(() => Discovery.Contains("homeassistant/sensor/gateway_ups/", StringComparison.Ordinal)
                                    && Discovery.Contains("homeassistant/sensor/gateway_meter/", StringComparison.Ordinal),
            "Home Assistant discovery for the UPS and the meter on the broker\n" + Discovery + "\n" + _gateway.Output, Generous);
        Assert.False(_gateway.HasExited);
        Assert.Equal(startedAt, await StartedAtAsync());   // the same gateway process all along
        Assert.DoesNotContain("Power Gateway stopping", _gateway.Output, StringComparison.Ordinal);

        await page.GotoAsync(_base + "/");
        await ScreenshotAsync(page, "firstrun-7-dashboard.png");
    }
}
