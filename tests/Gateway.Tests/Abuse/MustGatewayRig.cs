using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Drivers.Simulation;
using Gateway.Tests.HomeAssistant;
using Gateway.Tests.Nut;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;

namespace Gateway.Tests.Abuse;

/// <summary>
/// The real gateway binary reading a simulated MUST UPS over a socat pty pair, publishing to a real mosquitto,
/// serving NUT (user admin/adminpw, every instcmd) and the API (token <see cref="Token"/>) on free loopback ports,
/// with the shutdown sequence in dry run.
/// </summary>
public sealed class MustGatewayRig : IAsyncDisposable
{
    public const string Token = "abuse-test-token";
    public const string Name = "abuse";
    public const string CommandBase = "gateway/" + Name + "/ups/command/";

    private readonly TempDir _dir = new("gw-abuse");
    private readonly SocatPair _pair;
    private PortSimulatorHost? _simulatorHost;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };   // a hang guard: the machine may be busy

    private MustGatewayRig(int? webPort)
    {
        WebPort = webPort ?? FreePort.Next();
        _pair = new SocatPair(_dir.Path);
        Simulator = new MustSimulator(TimeProvider.System);
        Slave = new CountingSlave(Simulator);
    }

    public MustSimulator Simulator { get; }
    public CountingSlave Slave { get; }
    public MosquittoBroker Broker { get; private set; } = null!;
    public GatewayProcess Gateway { get; private set; } = null!;
    public int WebPort { get; }
    public int NutPort { get; } = FreePort.Next();
    public string Url => $"http://127.0.0.1:{WebPort}";

    /// <param name="deviceExtra">More keys for the UPS device, indented by four spaces.</param>
    /// <param name="webPort">The web port (default: a free one); the web is not waited for when given.</param>
    /// <param name="dataDir">The data dir (default: a fresh one in the rig's temp dir).</param>
    public static async Task<MustGatewayRig> StartAsync(string deviceExtra = "", int? webPort = null, string? dataDir = null)
    {
        var rig = new MustGatewayRig(webPort);
        await rig._pair.PlugAsync();
        rig._simulatorHost = new PortSimulatorHost(rig._pair.SimulatorLink, rig.Slave);
        rig.Broker = await MosquittoBroker.StartAsync();
        var config = rig._dir.Write("config.yaml", $"""
            gateway:
              name: {Name}
              data_dir: {dataDir ?? rig._dir.Path + "/data"}
            devices:
              - id: ups
                type: must
                port: {rig._pair.DeviceLink}
            {deviceExtra}
            mqtt:
              host: 127.0.0.1
              port: {rig.Broker.Port}
              username: {MosquittoBroker.User}
              password: {MosquittoBroker.Password}
            nut_server:
              listen: ["127.0.0.1:{rig.NutPort}"]
              users:
                - name: admin
                  password: adminpw
                  role: admin
                  instcmds: [all]
            web:
              listen: http://127.0.0.1:{rig.WebPort}
              api_token: {Token}
            shutdown:
              dry_run: true
            gpio:
              enabled: false
            """);
        rig.Gateway = GatewayProcess.Start(["run", "--config", config], rig._dir.Path);
        await NutProcess.WaitUntilAsync(async () =>
        {
            if (rig.Gateway.HasExited) throw new InvalidOperationException($"the gateway exited with {rig.Gateway.ExitCode}:\n{rig.Gateway.Output}");
            return (await rig.NutStatusAsync()) is not null;
        }, "the NUT server to serve fresh UPS data", TimeSpan.FromSeconds(60));
        if (webPort is null) (await rig.Gateway.WaitForHttpAsync(rig.Url + "/api/health", TimeSpan.FromSeconds(60))).Dispose();
        return rig;
    }

    public sealed record UpsView(string Link, bool Fresh, string? Status, string? Beeper);

    public async Task<UpsView> UpsAsync()
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(Url + "/api/telemetry/ups"));
        var r = doc.RootElement;
        string? Var(string name) => r.TryGetProperty("variables", out var v) && v.ValueKind == JsonValueKind.Object && v.TryGetProperty(name, out var x) ? x.GetString() : null;
        return new UpsView(r.GetProperty("link").GetString()!, r.GetProperty("fresh").GetBoolean(),
            r.TryGetProperty("status", out var s) ? s.GetString() : null, Var("ups.beeper.status"));
    }

    public async Task<IReadOnlyList<string>> EventKindsAsync()
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync(Url + "/api/events"));
        var list = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("events");
        return list.EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToArray();
    }

    public async Task<(int Status, string Body)> PostCommandAsync(string command)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Url}/api/devices/ups/commands/{command}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>ups.status as the NUT server serves it, or null while it has no fresh data (or does not answer).</summary>
    public async Task<string?> NutStatusAsync()
    {
        try
        {
            var lines = await NutProcess.ConverseAsync(NutPort, "GET VAR ups ups.status\n", 1, TimeSpan.FromSeconds(5));
            return lines is [var l] && l.StartsWith("VAR ups ups.status ", StringComparison.Ordinal) ? l["VAR ups ups.status ".Length..].Trim('"') : null;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>INSTCMD as the NUT admin; the reply line.</summary>
    public async Task<string> NutInstantCommandAsync(string command) =>
        (await NutProcess.ConverseAsync(NutPort, $"USERNAME admin\nPASSWORD adminpw\nINSTCMD ups {command}\n", 3, TimeSpan.FromSeconds(20)))[^1];

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        if (_simulatorHost is not null) await _simulatorHost.DisposeAsync();
        _pair.Dispose();
        await Broker.DisposeAsync();
        _http.Dispose();
        _dir.Dispose();
    }
}
