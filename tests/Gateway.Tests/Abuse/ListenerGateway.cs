using System.Net;
using System.Text.Json;

namespace Gateway.Tests.Abuse;

/// <summary>
/// One real gateway (child process, --simulate) for the listener abuse tests: web with an API token, the NUT server
/// with one user, the built-in broker with a login. Started once per test class to keep the suite short.
/// </summary>
public sealed class ListenerGateway : IAsyncLifetime
{
    public const string Name = "abuse";
    public const string Token = "abuse-token-0123456789abcdef";
    public const string NutUser = "monuser";
    public const string NutPassword = "secret-nut-password";
    public const string MqttUser = "ha";
    public const string MqttPassword = "ha-password-0123456789";

    private readonly TempDir _dir = new("gw-abuse");

    public GatewayProcess Gateway { get; private set; } = null!;
    public int WebPort { get; } = FreePort.Next();
    public int NutPort { get; } = FreePort.Next();
    public int MqttPort { get; } = FreePort.Next();
    public string Web => $"http://127.0.0.1:{WebPort}";
    public IPEndPoint Nut => new(IPAddress.Loopback, NutPort);

    public async Task InitializeAsync()
    {
        var config = Path.Combine(_dir.Path, "config.yaml");
        File.WriteAllText(config, $"""
            gateway:
              name: {Name}
              data_dir: {Path.Combine(_dir.Path, "data")}
            web:
              listen: http://127.0.0.1:{WebPort}
              api_token: {Token}
            nut_server:
              listen: ["127.0.0.1:{NutPort}"]
              users:
                - name: {NutUser}
                  password: {NutPassword}
                  role: secondary
            mqtt:
              embedded_broker: true
              embedded_port: {MqttPort}
              username: {MqttUser}
              password: {MqttPassword}
            history:
              enabled: false
            """);
        Gateway = GatewayProcess.Start(["run", "--simulate", "--config", config], _dir.Path);
        await Gateway.WaitForHttpAsync(Web + "/api/health", TimeSpan.FromSeconds(60));
        await Wait.UntilAsync(async () => (await global::Gateway.Tests.Nut.NutProcess.ConverseAsync(NutPort, "GET VAR ups ups.status\n", 1)).FirstOrDefault()?.StartsWith("VAR", StringComparison.Ordinal) == true,
            "the NUT server to serve the simulated UPS", TimeSpan.FromSeconds(30));
    }

    /// <summary>The nut_server detail of /api/health (connections refused, wrong passwords, lockout refusals).</summary>
    public async Task<string> NutHealthAsync()
    {
        using var http = new HttpClient();
        var json = JsonDocument.Parse(await http.GetStringAsync(Web + "/api/health")).RootElement;
        return json.GetProperty("components").GetProperty("nut_server").GetProperty("detail").GetString() ?? "";
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        _dir.Dispose();
    }
}
