using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Drivers.Simulation;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;

namespace Gateway.Tests.Setup;

/// <summary>
/// The probe in the real gateway (composed by GatewayHost, run as an ordinary user like the service): a configured
/// UPS port the gateway's user may not open is explained as permission denied, naming the port's group and the
/// usermod command.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class SerialProbeBinaryTests
{
    private const string Token = "binary-probe-token-0123456789";

    [Fact]
    public async Task A_port_the_gateway_user_may_not_open_is_explained_with_its_group()
    {
        using var dir = new TempDir();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_101_101);
        using var socat = new SocatPair(dir.Path);
        await socat.PlugAsync();
        await using var sim = new PortSimulatorHost(socat.SimulatorLink, new MustSimulator(TimeProvider.System, seed: 4));
        var device = socat.DeviceTarget!;
        // As root the gateway runs as 'nobody', for whom a root-owned pty (crw--w----) is closed; otherwise the pty is closed to its owner.
        var runAs = UnprivilegedUser.IsRoot ? UnprivilegedUser.Get() : null;
        if (runAs is null) File.SetUnixFileMode(device, UnixFileMode.None);
        var user = runAs?.Name ?? Environment.UserName;
        var group = await StatGroupAsync(device);

        var port = FreePort.Next();
        var config = Path.Combine(dir.Path, "config.yaml");
        await File.WriteAllTextAsync(config, $"""
            gateway:
              data_dir: {Path.Combine(dir.Path, "data")}
            web:
              listen: http://127.0.0.1:{port}
              api_token: {Token}
            nut_server:
              enabled: false
            history:
              enabled: false
            gpio:
              enabled: false
            devices:
              - id: ups
                type: must
                port: {socat.DeviceLink}
            """);
        File.SetUnixFileMode(config, (UnixFileMode)0b110_100_100);
        Directory.CreateDirectory(Path.Combine(dir.Path, "data"));
        File.SetUnixFileMode(Path.Combine(dir.Path, "data"), (UnixFileMode)0b111_111_111);
        await using var gw = GatewayProcess.Start(["run", "--config", config], runAs: runAs);
        var baseUrl = $"http://127.0.0.1:{port}";
        await gw.WaitForHttpAsync(baseUrl + "/api/health", TimeSpan.FromSeconds(60));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/api/setup/serial/probe")
        {
            Content = new StringContent($$"""{"port":"{{socat.DeviceLink}}","type":"must"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body + "\n" + gw.Output);
        var result = JsonDocument.Parse(body).RootElement;
        Assert.Equal("permission_denied", result.GetProperty("status").GetString());
        Assert.Contains($"user '{user}'", result.GetProperty("message").GetString());
        Assert.Contains($"group '{group}'", result.GetProperty("message").GetString());
        Assert.Contains($"sudo usermod -aG {group} {user}", result.GetProperty("fix").GetString());
        Assert.Contains("configured on this port", body);
    }

    private static async Task<string> StatGroupAsync(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("stat", ["-c", "%G", path]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var group = (await p.StandardOutput.ReadToEndAsync()).Trim();
        await p.WaitForExitAsync();
        return group;
    }
}
