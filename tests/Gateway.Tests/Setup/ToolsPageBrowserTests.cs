using System.Collections.Concurrent;
using Gateway.Drivers.Simulation;
using Gateway.Setup;
using Gateway.Shutdown;
using Gateway.Tests.Shutdown;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;
using Gateway.Tests.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Gateway.Tests.Setup;

/// <summary>
/// /settings/tools in Debian's headless Chromium: a person enters the token, probes the UPS port (the MUST
/// simulator on a socat pty under a fake by-id name), checks the NAS's host key against a real sshd, accepts it,
/// sees the login work and runs the rehearsal; screenshots (desktop and phone width) go to the test artifacts.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class ToolsPageBrowserTests(SshServerFixture sshd) : IClassFixture<SshServerFixture>, IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-tools-page-").FullName;
    private string ById => Path.Combine(_dir, "by-id");
    private string UpsLink => Path.Combine(ById, "usb-MUST_EP20-if00-port0");
    private string KnownHosts => Path.Combine(_dir, "known_hosts");
    private SocatPair _socat = null!;
    private PortSimulatorHost _sim = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ById);
        _socat = new SocatPair(_dir);
        await _socat.PlugAsync();
        File.CreateSymbolicLink(UpsLink, _socat.DeviceLink);
        _sim = new PortSimulatorHost(_socat.SimulatorLink, new MustSimulator(TimeProvider.System, seed: 9));
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        await _sim.DisposeAsync();
        _socat.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Fact]
    public async Task A_person_probes_the_ups_port_and_accepts_the_nas_host_key()
    {
        await using var host = await ApiTestHost.StartAsync($"""
            web:
              api_token: {ApiTestHost.Token}
            {sshd.RemoteHostYaml(KnownHosts)}
            """, s =>
        {
            s.AddSingleton(new SerialPortCatalog(ById, Path.Combine(_dir, "no-dev")));
            s.AddSingleton<IShutdownRehearsal>(new FakeRehearsal(TimeProvider.System));
        });
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var errors = new ConcurrentQueue<string>();
        page.PageError += (_, e) => errors.Enqueue(e);

        var response = await page.GotoAsync(new Uri(host.BaseAddress, "/settings/tools").ToString());
        Assert.Equal(200, response!.Status);
        // No session endpoint and no token yet: the page asks for the token in words.
        await Assertions.Expect(page.Locator("#auth")).ToBeVisibleAsync();
        await page.FillAsync("#auth-token", ApiTestHost.Token);
        await page.ClickAsync("#auth-form button[type=submit]");

        var port = page.Locator($"input[name=serial-port][value='{UpsLink}']");
        await Assertions.Expect(port).ToBeVisibleAsync();
        await port.CheckAsync();
        await page.SelectOptionAsync("#serial-type", "must");
        await page.ClickAsync("#serial-probe");
        var probe = page.Locator("#serial-result");
        await Assertions.Expect(probe).ToHaveAttributeAsync("data-status", "ok");
        await Assertions.Expect(probe).ToContainTextAsync("Found a MUST EP20 UPS");

        await page.ClickAsync("button[data-host=nas]");
        var ssh = page.Locator("#ssh-result-nas");
        await Assertions.Expect(ssh).ToHaveAttributeAsync("data-status", "unknown_host_key");
        await Assertions.Expect(ssh.Locator(".fingerprint")).ToHaveTextAsync(sshd.HostKeyFingerprint);
        Assert.False(File.Exists(KnownHosts), "nothing may be trusted before the click");

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ArtifactPath("settings-tools-host-key.png"), FullPage = true });
        await ssh.Locator("button[data-action=ssh-accept]").ClickAsync();
        await Assertions.Expect(ssh).ToHaveAttributeAsync("data-status", "ok");
        await Assertions.Expect(ssh).ToContainTextAsync("Host key accepted");
        Assert.StartsWith($"[127.0.0.1]:{sshd.Port} ssh-ed25519 ", Assert.Single(await File.ReadAllLinesAsync(KnownHosts)));

        await page.ClickAsync("#rehearsal-run");
        var rehearsal = page.Locator("#rehearsal-result");
        await Assertions.Expect(rehearsal).ToHaveAttributeAsync("data-status", "ok");
        await Assertions.Expect(rehearsal).ToContainTextAsync("All 2 steps would work");
        await Assertions.Expect(rehearsal.Locator("li").First).ToContainTextAsync("sync (dry_run");

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ArtifactPath("settings-tools.png"), FullPage = true });
        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Chromium.ArtifactPath("settings-tools-phone.png"), FullPage = true });
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page must not scroll sideways on a phone");
        Assert.Empty(errors);
    }
}
