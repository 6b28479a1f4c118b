using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Gateway.Tests.Web;

/// <summary>
/// The settings pages in headless Debian Chromium against the real gateway (gateway.dll run as a child process with a
/// config file and a data_dir of its own): first sign-in with the setup code, a change saved to the settings overlay,
/// a refused value shown at its field with nothing written, refused unauthenticated and cross-site changes, the bearer
/// token, the login lockout, backup and restore. Screenshots of every page go to the test output's artifacts folder.
/// </summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class SettingsBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Token = "settings-test-token-0123456789";
    private const string Password = "correct horse battery";
    private readonly TempDir _dir = new("gw-settings");
    private GatewayProcess _gateway = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _base = "";
    private string _configPath = "";
    private string ConfigText { get; set; } = "";
    private string DataDir => _dir.File("data");
    private string OverlayPath => Path.Combine(DataDir, "settings.yaml");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        var port = FreePort.Next();
        _base = $"http://127.0.0.1:{port}";
        ConfigText = $"""
            # The user's own file: the settings pages never rewrite it.
            gateway:
              name: settingstest
              data_dir: {DataDir}
            devices:
              - id: ups            # the MUST on its USB adapter (absent in this test: the device is simply Lost)
                type: must
                port: {_dir.File("no-such-ups")}
              - id: nas-ups
                type: nut
                host: 127.0.0.1
                port: {FreePort.Next()}
                ups: ups
            web:
              listen: {_base}
              api_token: {Token}
            mqtt:
              enabled: false
            nut_server:
              enabled: false
            history:
              enabled: false
            gpio:
              enabled: false
            """;
        _configPath = _dir.Write("config.yaml", ConfigText, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _gateway = GatewayProcess.Start(["run", "--config", _configPath], _dir.Path);
        await _gateway.WaitForHttpAsync(_base + "/api/health", TimeSpan.FromSeconds(60));
        (_playwright, _browser) = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        if (_gateway is not null)
        {
            _gateway.Terminate();
            await _gateway.WaitForExitAsync(TimeSpan.FromSeconds(10));
            output.WriteLine(_gateway.Output);
            await _gateway.DisposeAsync();
        }
        _dir.Dispose();
    }

    private async Task<string> SetupCodeAsync()
    {
        var path = Path.Combine(DataDir, "setup-code");
        await Wait.UntilAsync(() => File.Exists(path), "the setup code file", TimeSpan.FromSeconds(30));
        var code = (await File.ReadAllTextAsync(path)).Trim();
        Assert.Contains($"setup code {code}", _gateway.Output, StringComparison.Ordinal);
        return code;
    }

    private async Task<IPage> NewPageAsync(int width = 1100, int height = 900)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        page.PageError += (_, e) => output.WriteLine($"page error: {e}");
        return page;
    }

    private async Task SignUpAsync(IPage page)
    {
        await page.GotoAsync(_base + "/settings");
        await Assertions.Expect(page.Locator("#setup-form")).ToBeVisibleAsync();
        await page.FillAsync("#setup-code", (await SetupCodeAsync()).ToLowerInvariant());
        await page.FillAsync("#setup-password", Password);
        await page.FillAsync("#setup-password2", Password);
        await page.ClickAsync("#setup-form button[type=submit]");
        await Assertions.Expect(page.Locator("#page-title")).ToHaveTextAsync("Devices");
        await Assertions.Expect(page.Locator("#nav")).ToBeVisibleAsync();
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var shot = Chromium.ArtifactPath(name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"screenshot: {shot}");
    }

    [Fact]
    public async Task First_sign_in_sets_the_password_a_change_is_saved_and_a_wrong_value_is_shown_at_its_field_with_nothing_written()
    {
        var page = await NewPageAsync();
        await page.GotoAsync(_base + "/");
        await page.ClickAsync("#settings-link");
        await Assertions.Expect(page.Locator("#setup-form")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "settings-first-password.png");
        await page.FillAsync("#setup-code", "AAAA-AAAA");
        await page.FillAsync("#setup-password", Password);
        await page.FillAsync("#setup-password2", Password);
        await page.ClickAsync("#setup-form button[type=submit]");
        await Assertions.Expect(page.Locator("#setup-error")).ToContainTextAsync("wrong setup code");

        await page.FillAsync("#setup-code", await SetupCodeAsync());
        await page.ClickAsync("#setup-form button[type=submit]");
        await Assertions.Expect(page.Locator("#page-title")).ToHaveTextAsync("Devices");
        Assert.StartsWith("pbkdf2-sha256$", await File.ReadAllTextAsync(Path.Combine(DataDir, "admin-password")), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(DataDir, "admin-password")));
        Assert.False(File.Exists(Path.Combine(DataDir, "setup-code")));
        Assert.DoesNotContain(Password, _gateway.Output, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[data-path='devices[0].port']")).ToHaveValueAsync(_dir.File("no-such-ups"));

        // A change: saved to the overlay in the data dir; the user's file stays byte for byte.
        await page.GotoAsync(_base + "/settings/mqtt");
        await Assertions.Expect(page.Locator("[data-path='mqtt.port']")).ToHaveValueAsync("1883");
        await Assertions.Expect(page.Locator("[data-path='mqtt.password']")).ToHaveAttributeAsync("placeholder", "not set");
        await page.FillAsync("[data-path='mqtt.port']", "1884");
        await page.FillAsync("[data-path='mqtt.host']", "broker.lan");
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#save-status")).ToContainTextAsync("saved and applied");   // MQTT applies live (no restart)
        var overlay = await File.ReadAllTextAsync(OverlayPath);
        Assert.Contains("mqtt:\n  host: broker.lan\n  port: 1884\n", overlay.Replace("\r", ""), StringComparison.Ordinal);
        Assert.Equal(ConfigText, await File.ReadAllTextAsync(_configPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(OverlayPath));
        var check = await RunCheckConfigAsync();
        Assert.Contains("with the web settings of", check, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[data-path='mqtt.port']")).ToHaveValueAsync("1884");

        // A wrong value: the loader's reason at the field, and not one byte written.
        var before = await File.ReadAllBytesAsync(OverlayPath);
        await page.FillAsync("[data-path='mqtt.port']", "70000");
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("[data-error-of='mqtt.port']")).ToHaveTextAsync("must be between 1 and 65535, got 70000");
        await Assertions.Expect(page.Locator("[data-field='mqtt.port']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("invalid"));
        await Assertions.Expect(page.Locator("#save-status")).ToContainTextAsync("Not saved");
        await ScreenshotAsync(page, "settings-mqtt-error.png");
        Assert.Equal(before, await File.ReadAllBytesAsync(OverlayPath));
        Assert.Equal(ConfigText, await File.ReadAllTextAsync(_configPath));

        // A NUT user for the Synology, with its password: stored, never shown again.
        await page.GotoAsync(_base + "/settings/nut-server");
        await page.ClickAsync("text=Add user");
        await page.FillAsync("[data-path='nut_server.users[0].name']", "monuser");
        await page.FillAsync("[data-path='nut_server.users[0].password']", "secret");
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#save-status")).ToContainTextAsync("saved");
        await Assertions.Expect(page.Locator("[data-path='nut_server.users[0].password']")).ToHaveAttributeAsync("placeholder", "set (leave empty to keep)");
        Assert.Contains("password: secret", await File.ReadAllTextAsync(OverlayPath), StringComparison.Ordinal);
        var shown = await page.EvaluateAsync<string>("() => fetch('/api/config').then(r => r.text())");
        Assert.DoesNotContain("secret", shown.Replace("__secret_set__", ""), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, shown, StringComparison.Ordinal);

        // Every page, on a desktop and one on a phone.
        foreach (var name in (string[])["devices", "mqtt", "nut-server", "upstream", "policy", "shutdown", "notifications", "gpio", "web", "system", "backup"])
        {
            await page.GotoAsync($"{_base}/settings/{name}");
            await Assertions.Expect(page.Locator($"#nav a[data-page='{name}']")).ToHaveClassAsync("on");
            if (name != "backup") await Assertions.Expect(page.Locator("#fields input").First).ToBeVisibleAsync();
            await ScreenshotAsync(page, $"settings-{name}.png");
        }
        await page.GotoAsync(_base + "/settings/upstream");
        await Assertions.Expect(page.Locator("[data-path='devices[1].host']")).ToHaveValueAsync("127.0.0.1");
        await Assertions.Expect(page.Locator("[data-path='devices[0].port']")).ToHaveCountAsync(0);
        var phone = await NewPageAsync(390, 844);
        await phone.Context.AddCookiesAsync((await page.Context.CookiesAsync()).Select(c =>
            new Microsoft.Playwright.Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, SameSite = c.SameSite }));
        await phone.GotoAsync(_base + "/settings/mqtt");
        await Assertions.Expect(phone.Locator("[data-path='mqtt.port']")).ToHaveValueAsync("1884");
        await ScreenshotAsync(phone, "settings-mqtt-phone.png");
    }

    [Fact]
    public async Task Unauthenticated_and_cross_site_changes_are_refused_and_the_bearer_token_still_works()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_base) };
        var anonymous = await http.SendAsync(Patch("""{"policy":{"low_battery_percent":30}}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/config")).StatusCode);
        Assert.False(File.Exists(OverlayPath));

        // A browser signs in; its cookie alone (what another site could make it send) changes nothing.
        var page = await NewPageAsync();
        await SignUpAsync(page);
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "gw_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        var session = JsonDocument.Parse(await page.EvaluateAsync<string>("() => fetch('/api/session').then(r => r.text())")).RootElement;
        Assert.True(session.GetProperty("signed_in").GetBoolean());
        var csrf = session.GetProperty("csrf_token").GetString()!;

        var noCsrf = Patch("""{"policy":{"low_battery_percent":30}}""");
        noCsrf.Headers.Add("Cookie", $"gw_session={cookie.Value}");
        var refused = await http.SendAsync(noCsrf);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("CSRF", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var crossSite = Patch("""{"policy":{"low_battery_percent":30}}""");
        crossSite.Headers.Add("Cookie", $"gw_session={cookie.Value}");
        crossSite.Headers.Add("X-CSRF-Token", csrf);
        crossSite.Headers.Add("Origin", "http://evil.example");
        refused = await http.SendAsync(crossSite);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("cross-site request refused", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(File.Exists(OverlayPath));

        // The same from the page itself (its Origin, its token) passes.
        var status = await page.EvaluateAsync<int>($$"""
            () => fetch('/api/config', { method: 'PATCH', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': '{{csrf}}' },
                                          body: JSON.stringify({ policy: { low_battery_percent: 25 } }) }).then(r => r.status)
            """);
        Assert.Equal(200, status);
        Assert.Contains("low_battery_percent: 25", await File.ReadAllTextAsync(OverlayPath), StringComparison.Ordinal);

        // Scripts keep using the bearer token, no CSRF needed.
        var bearer = Patch("""{"policy":{"low_battery_percent":30}}""");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var ok = await http.SendAsync(bearer);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.True(JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement.GetProperty("saved").GetBoolean());
        Assert.Contains("low_battery_percent: 30", await File.ReadAllTextAsync(OverlayPath), StringComparison.Ordinal);
        var wrong = Patch("""{"policy":{"low_battery_percent":31}}""");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);

        // Sign-out ends the session: the old cookie is worth nothing afterwards.
        await page.GotoAsync(_base + "/settings/policy");
        await page.ClickAsync("#signout");
        await Assertions.Expect(page.Locator("#signin-form")).ToBeVisibleAsync();
        var stale = Patch("""{"policy":{"low_battery_percent":35}}""");
        stale.Headers.Add("Cookie", $"gw_session={cookie.Value}");
        stale.Headers.Add("X-CSRF-Token", csrf);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(stale)).StatusCode);
    }

    [Fact]
    public async Task The_login_locks_out_after_five_wrong_passwords()
    {
        var first = await NewPageAsync();
        await SignUpAsync(first);

        var page = await NewPageAsync();
        await page.GotoAsync(_base + "/settings/policy");
        await Assertions.Expect(page.Locator("#signin-form")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#fields")).ToBeHiddenAsync();
        for (var i = 1; i <= 4; i++)
        {
            await page.FillAsync("#signin-password", $"wrong password {i}");
            await page.ClickAsync("#signin-form button[type=submit]");
            await Assertions.Expect(page.Locator("#signin-error")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^wrong password: "));
            await page.EvaluateAsync("() => { document.getElementById('signin-error').hidden = true; document.getElementById('signin-error').textContent = ''; }");
        }
        await page.FillAsync("#signin-password", "wrong password 5");
        await page.ClickAsync("#signin-form button[type=submit]");
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("too many wrong passwords");
        await ScreenshotAsync(page, "settings-locked-out.png");
        // Locked out for a minute: even the right password is refused without being checked.
        await page.FillAsync("#signin-password", Password);
        await page.ClickAsync("#signin-form button[type=submit]");
        await Assertions.Expect(page.Locator("#signin-error")).ToContainTextAsync("locked out for");
        await Assertions.Expect(page.Locator("#nav")).ToBeHiddenAsync();
        await Wait.UntilAsync(() => _gateway.Output.Contains("Web sign-in: 5 wrong passwords from 127.0.0.1", StringComparison.Ordinal),
            "the lockout's log line");
    }

    [Fact]
    public async Task Backup_downloads_the_yaml_and_restore_refuses_a_bad_file_then_takes_a_good_one()
    {
        var page = await NewPageAsync();
        await SignUpAsync(page);
        await page.GotoAsync(_base + "/settings/backup");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#backup-link"));
        Assert.Matches(@"^gateway-settingstest-config-\d{8}-\d{4}\.yaml$", download.SuggestedFilename);
        var backup = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Equal(ConfigText, backup);   // nothing changed from the web yet: the user's file itself, comments and all

        var bad = _dir.Write("bad.yaml", backup.Replace("  enabled: false\nnut_server:", "  enabled: false\n  prot: 5\nnut_server:", StringComparison.Ordinal));
        await page.SetInputFilesAsync("#restore-file", bad);
        await page.ClickAsync("#restore-button");
        await Assertions.Expect(page.Locator("#restore-errors")).ToContainTextAsync("mqtt.prot: unknown key (did you mean 'port'?)");
        Assert.False(File.Exists(OverlayPath));

        var good = _dir.Write("good.yaml", backup.Replace("history:\n  enabled: false", "history:\n  enabled: false\n  retention: 90d", StringComparison.Ordinal));
        await page.SetInputFilesAsync("#restore-file", good);
        await page.ClickAsync("#restore-button");
        await Assertions.Expect(page.Locator("#restore-status")).ToContainTextAsync("Restored");
        Assert.Contains("retention: 90d", await File.ReadAllTextAsync(OverlayPath), StringComparison.Ordinal);
        Assert.Equal(ConfigText, await File.ReadAllTextAsync(_configPath));
        await Assertions.Expect(page.Locator("#restore-status")).ToContainTextAsync("take effect after a restart");   // history.retention is read at start

        // The next backup is the file with the change merged in, and loads as it did.
        var second = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#backup-link"));
        var merged = await File.ReadAllTextAsync(await second.PathAsync());
        Assert.Contains("retention: 90d", merged, StringComparison.Ordinal);
        Assert.Contains($"api_token: {Token}", merged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_from_another_tool_shows_the_report_and_writes_nothing_until_the_user_confirms()
    {
        var page = await NewPageAsync();
        await SignUpAsync(page);
        await page.GotoAsync(_base + "/settings/backup");
        await page.SelectOptionAsync("#import-kind", "must-monitor");
        await page.SetInputFilesAsync("#import-file", Gateway.Tests.Migration.ImportFixtures.Path("must-monitor-config.yaml"));
        await page.ClickAsync("#import-button");
        await Assertions.Expect(page.Locator("#import-status")).ToContainTextAsync("settings mapped");
        await Assertions.Expect(page.Locator("#import-report")).ToContainTextAsync("mapped: ");
        await Assertions.Expect(page.Locator("#import-use")).ToBeVisibleAsync();
        await ScreenshotAsync(page, "settings-import-report.png");
        Assert.False(File.Exists(OverlayPath));   // converting writes nothing

        await page.ClickAsync("#import-use");
        await Assertions.Expect(page.Locator("#import-use-status")).ToContainTextAsync("Configuration used", new() { Timeout = 15_000 });
        Assert.True(File.Exists(OverlayPath));
        Assert.Contains("must", await File.ReadAllTextAsync(OverlayPath), StringComparison.Ordinal);
        Assert.Equal(ConfigText, await File.ReadAllTextAsync(_configPath));
    }

    private static HttpRequestMessage Patch(string json) =>
        new(HttpMethod.Patch, "/api/config") { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private async Task<string> RunCheckConfigAsync()
    {
        await using var check = GatewayProcess.Start(["check-config", _configPath], _dir.Path);
        Assert.True(await check.WaitForExitAsync(TimeSpan.FromSeconds(60)), check.Output);
        Assert.Equal(0, check.ExitCode);
        return check.Output;
    }
}
