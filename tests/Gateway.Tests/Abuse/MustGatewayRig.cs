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
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private MustGatewayRig()
    {
        _pair = new SocatPair(_dir.Path);
        Simulator = new MustSimulator(TimeProvider.System);
        Slave = new CountingSlave(Simulator);
    }

    public MustSimulator Simulator { get; }
    public CountingSlave Slave { get; }
    public MosquittoBroker Broker { get; private set; } = null!;
    public GatewayProcess Gateway { get; private set; } = null!;
    public int WebPort { get; } = FreePort.Next();
    public int NutPort { get; } = FreePort.Next();
    public string Url => $"http://127.0.0.1:{WebPort}";

    /// <param name="deviceExtra">More keys for the UPS device, indented by four spaces.</param>
    public static async Task<MustGatewayRig> StartAsync(string deviceExtra = "")
    {
        var rig = new MustGatewayRig();
        await rig._pair.PlugAsync();
        rig._simulatorHost = new PortSimulatorHost(rig._pair.SimulatorLink, rig.Slave);
        rig.Broker = await MosquittoBroker.StartAsync();
        var config = rig._dir.Write("config.yaml", $"""
            gateway:
              name: {Name}
              data_dir: {rig._dir.Path}/data
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
        (await rig.Gateway.WaitForHttpAsync(rig.Url + "/api/health", TimeSpan.FromSeconds(60))).Dispose();
        await NutProcess.WaitUntilAsync(async () => (await rig.UpsAsync()).Fresh, "the UPS to be connected with fresh data", TimeSpan.FromSeconds(30));
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
