using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Hosting;

[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public class GatewayProcessTests
{
    [Fact]
    public async Task RunWithoutConfigWarnsServesHealthAndStopsCleanlyOnSigterm()
    {
        var port = FreePort.Next();
        // No config file; only the ports are moved off the defaults so parallel tests cannot collide on 3493.
        await using var gw = GatewayProcess.Start(["run", "--set", $"web.listen=http://127.0.0.1:{port}", "--set", $"nut_server.listen=127.0.0.1:{FreePort.Next()}"]);
        using var response = await gw.WaitForHttpAsync($"http://127.0.0.1:{port}/api/health", TimeSpan.FromSeconds(30));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("version").GetString()));
        Assert.True(doc.RootElement.GetProperty("uptime_seconds").GetDouble() > 0);
        // A machine with the Debian package installed has a system config; then that one is used (and named).
        if (File.Exists("/etc/gateway/config.yaml"))
        {
            Assert.Contains("/etc/gateway/config.yaml", gw.Output);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(doc.RootElement.GetProperty("status").GetString() == "ok", doc.RootElement.ToString());
            Assert.Contains("No devices are configured", doc.RootElement.GetProperty("warnings")[0].GetString());
            Assert.Contains("No config file found", gw.Output);
            Assert.Contains("No devices are configured", gw.Output);
            Assert.Equal(0, doc.RootElement.GetProperty("devices").GetArrayLength());
        }

        gw.Terminate();
        // Generous on a shared machine; systemd's stop timeout is far longer, and a hang never ends at all.
        Assert.True(await gw.WaitForExitAsync(TimeSpan.FromSeconds(30)), "did not stop within 30 s of SIGTERM:\n" + gw.Output);
        Assert.Equal(0, gw.ExitCode);
        Assert.Contains("Power Gateway stopping", gw.Output);
    }

    [Fact]
    public async Task BadConfigStopsStartupWithExitCode2AndTheLine()
    {
        using var dir = new TempDir();
        var f = dir.Write("config.yaml", "mqtt:\n  port: lots\n");
        await using var gw = GatewayProcess.Start(["run", "--config", f], dir.Path);
        Assert.True(await gw.WaitForExitAsync(TimeSpan.FromSeconds(30)), gw.Output);
        Assert.Equal(2, gw.ExitCode);
        Assert.Contains($"{f}:2:9: error: mqtt.port: expected a whole number, got 'lots'", gw.Output);
    }

    [Fact]
    public async Task ConfigInTheWorkingDirectoryIsFound()
    {
        using var dir = new TempDir();
        var port = FreePort.Next();
        dir.Write("config.yaml", $"gateway:\n  name: found\nweb:\n  listen: http://127.0.0.1:{port}\nnut_server:\n  listen: [127.0.0.1:{FreePort.Next()}]\n");
        await using var gw = GatewayProcess.Start(["run"], dir.Path);
        using var response = await gw.WaitForHttpAsync($"http://127.0.0.1:{port}/api/health", TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("config.yaml", gw.Output);
        gw.Terminate();
        Assert.True(await gw.WaitForExitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task VersionPrintsTheVersion()
    {
        await using var gw = GatewayProcess.Start(["--version"]);
        Assert.True(await gw.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, gw.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", gw.Output.Trim());
        // The whole informational version, with the commit when built from git: what a bug report needs.
        Assert.Equal(Gateway.Hosting.StartInfo.BuildVersion, gw.Output.Trim());
    }
}
