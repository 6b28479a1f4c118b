using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gateway.Drivers.Nut;
using Gateway.Drivers.Simulation;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Gateway.Tests.LiveApply;

/// <summary>
/// The real binary (<c>gateway run</c>) whose config file is edited while it runs, against MUST simulators on socat
/// ptys: a new device appears without a restart, a policy threshold takes effect, a connected NUT client stays
/// connected across a user change, an invalid edit is refused with every error logged, and SIGHUP reads the file again.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed partial class LiveApplyBinaryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new("gw-liveapply");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly List<(SocatPair Pair, PortSimulatorHost Host)> _simulators = [];
    private readonly Dictionary<string, MustSimulator> _simulatorsByName = [];
    private readonly int _web = FreePort.Next();
    private readonly int _nut = FreePort.Next();
    private GatewayProcess _gw = null!;
    private string _config = "";
    private string _upsLink = "";

    public async Task InitializeAsync()
    {
        (_upsLink, var ups) = await SimulatorAsync("ups");
        ups.SetStateOfCharge(50);
        _config = _dir.File("config.yaml");
        Save(Yaml());
        _gw = GatewayProcess.Start(["run", "--config", _config], _dir.Path);
        (await _gw.WaitForHttpAsync($"{Url}/api/health", Generous)).Dispose();
        await UntilAsync(async () => (await DeviceAsync("ups")) is { } d && d.GetProperty("link").GetString() == "connected", "the first UPS connected");
    }

    public async Task DisposeAsync()
    {
        output.WriteLine(_gw.Output);
        await _gw.DisposeAsync();
        foreach (var (pair, host) in _simulators)
        {
            await host.DisposeAsync();
            pair.Dispose();
        }
        _http.Dispose();
        _dir.Dispose();
    }

    private string Url => $"http://127.0.0.1:{_web}";

    private async Task<(string Link, MustSimulator Simulator)> SimulatorAsync(string name)
    {
        Directory.CreateDirectory(_dir.File(name));
        var pair = new SocatPair(_dir.File(name));
        await pair.PlugAsync();
        var sim = new MustSimulator(TimeProvider.System);
        _simulators.Add((pair, new PortSimulatorHost(pair.SimulatorLink, sim)));
        _simulatorsByName[name] = sim;
        return (pair.DeviceLink, sim);
    }

    private string Yaml(string extraDevices = "", string policy = "low_battery_percent: 20", string nasPassword = "secret1") => $$"""
        gateway: { name: live, data_dir: {{_dir.File("data")}} }
        devices:
          - { id: ups, type: must, port: {{_upsLink}}, poll_interval: 1s }
        {{extraDevices}}
        web: { listen: "http://127.0.0.1:{{_web}}" }
        nut_server:
          listen: ["127.0.0.1:{{_nut}}"]
          users:
            - { name: nas, password: {{nasPassword}}, role: secondary }
        policy: { protect: ups, on_battery_delay: 1s, critical_runtime: 0s, critical_depletion_rate: 100, {{policy}} }
        shutdown: { dry_run: true, nut_fsd: { enabled: false } }
        gpio: { enabled: false }
        """;

    /// <summary>Replaces the file as editors and the settings API do: a new file renamed over the old one.</summary>
    private void Save(string yaml)
    {
        var temp = _config + ".new";
        File.WriteAllText(temp, yaml);
        File.Move(temp, _config, overwrite: true);
    }

    private async Task<JsonElement> GetAsync(string path) =>
        JsonDocument.Parse(await _http.GetStringAsync(Url + path)).RootElement;

    private async Task<JsonElement?> DeviceAsync(string id)
    {
        foreach (var d in (await GetAsync("/api/telemetry")).GetProperty("devices").EnumerateArray())
            if (d.GetProperty("id").GetString() == id) return d;
        return null;
    }

    private Task UntilAsync(Func<Task<bool>> condition, string what) =>
        Wait.UntilAsync(condition, what + "\n" + _gw.Output, Generous);

    private async Task<long> VersionAsync() => (await GetAsync("/api/config/status")).GetProperty("version").GetInt64();

    [Fact]
    public async Task A_device_added_to_the_file_reads_without_a_restart_and_a_removed_one_goes()
    {
        var linkSince = (await DeviceAsync("ups"))!.Value.GetProperty("link_since").GetString();
        var (link2, _) = await SimulatorAsync("ups2");
        var saved = System.Diagnostics.Stopwatch.StartNew();
        Save(Yaml(extraDevices: $"  - {{ id: ups2, type: must, port: {link2}, poll_interval: 1s }}"));
        await UntilAsync(async () => (await DeviceAsync("ups2")) is { } d && d.GetProperty("link").GetString() == "connected" && d.GetProperty("status").GetString() is not null,
            "the added UPS in /api/telemetry with a reading");
        output.WriteLine($"file saved -> new UPS connected with a reading in /api/telemetry: {saved.ElapsedMilliseconds} ms");
        Assert.False(_gw.HasExited);
        // The device that did not change kept its driver and its link.
        Assert.Equal(linkSince, (await DeviceAsync("ups"))!.Value.GetProperty("link_since").GetString());
        Assert.DoesNotContain("Power Gateway stopping", _gw.Output);
        var status = await GetAsync("/api/config/status");
        Assert.Contains("devices", status.GetProperty("applied").EnumerateArray().Select(a => a.GetString()));
        Assert.False(status.GetProperty("restart_pending").GetBoolean());

        Save(Yaml());
        await UntilAsync(async () => await DeviceAsync("ups2") is null, "the removed UPS gone from /api/telemetry");
        Assert.Equal(linkSince, (await DeviceAsync("ups"))!.Value.GetProperty("link_since").GetString());
    }

    [Fact]
    public async Task A_higher_low_battery_threshold_takes_effect_at_the_next_outage()
    {
        // 50 % is above 20 %: under the first file an outage would fire nothing. The new 60 % fires low_battery.
        var before = await VersionAsync();
        Save(Yaml(policy: "low_battery_percent: 60"));
        await UntilAsync(async () => await VersionAsync() > before, "the new policy applied");
        Assert.False((await GetAsync("/api/config/status")).GetProperty("policy_settings_pending").GetBoolean());

        _simulatorsByName["ups"].LoseMains();
        await UntilAsync(async () =>
        {
            var events = (await GetAsync("/api/events?limit=200")).GetProperty("events").EnumerateArray();
            return events.Any(e => e.GetProperty("kind").GetString() == "trigger_fired"
                && e.GetProperty("data").GetProperty("trigger").GetString() == "low_battery");
        }, "low_battery fired under the new threshold");
        Assert.Contains((await GetAsync("/api/policy")).GetProperty("state").GetString(), new[] { "shutdown_pending", "shutting_down" });
    }

    [Fact]
    public async Task A_connected_nut_client_stays_connected_across_a_user_change()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _nut);
        var stream = tcp.GetStream();
        var reader = new NutLineReader(stream);
        async Task<string> Ask(string line)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\n"));
            return (await reader.ReadLineAsync(default)).Line!;
        }
        Assert.Equal("OK", await Ask("USERNAME nas"));
        Assert.Equal("OK", await Ask("PASSWORD secret1"));
        Assert.Equal("OK", await Ask("LOGIN ups"));

        var before = await VersionAsync();
        var saved = System.Diagnostics.Stopwatch.StartNew();
        Save(Yaml(nasPassword: "secret2"));
        await UntilAsync(async () => await VersionAsync() > before, "the new NUT users applied");
        output.WriteLine($"file saved -> NUT users applied: {saved.ElapsedMilliseconds} ms");
        Assert.Contains("nut_server", (await GetAsync("/api/config/status")).GetProperty("applied").EnumerateArray().Select(a => a.GetString()));

        // The same connection still answers.
        Assert.StartsWith("VAR ups ups.status ", await Ask("GET VAR ups ups.status"));
        // A new login takes the new password, not the old one.
        Assert.StartsWith("ERR ACCESS-DENIED", await LoginAsync("secret1"));
        Assert.Equal("OK", await LoginAsync("secret2"));
        Assert.StartsWith("VAR ups ups.status ", await Ask("GET VAR ups ups.status"));
    }

    /// <summary>A fresh NUT connection logging in as nas: the answer to LOGIN.</summary>
    private async Task<string> LoginAsync(string password)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _nut);
        var stream = tcp.GetStream();
        var reader = new NutLineReader(stream);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"USERNAME nas\nPASSWORD {password}\nLOGIN ups\n"));
        Assert.Equal("OK", (await reader.ReadLineAsync(default)).Line);
        Assert.Equal("OK", (await reader.ReadLineAsync(default)).Line);
        return (await reader.ReadLineAsync(default)).Line!;
    }

    [Fact]
    public async Task An_invalid_edit_is_refused_with_every_error_logged_and_the_old_configuration_keeps_running()
    {
        var before = await VersionAsync();
        Save(Yaml().Replace("poll_interval: 1s", "poll_intervall: 1s", StringComparison.Ordinal).Replace("on_battery_delay: 1s", "on_battery_delay: soon", StringComparison.Ordinal));
        await UntilAsync(() => Task.FromResult(_gw.Output.Contains("keeps running on the configuration it has", StringComparison.Ordinal)), "the refusal logged");
        Assert.Contains("devices[0].poll_intervall: unknown key (did you mean 'poll_interval'?)", _gw.Output);
        Assert.Contains("policy.on_battery_delay", _gw.Output);
        Assert.Contains("2 problems in " + _config, _gw.Output);
        var health = await GetAsync("/api/health");
        Assert.Equal("invalid_file", health.GetProperty("components").GetProperty("config").GetProperty("state").GetString());
        Assert.Equal(2, (await GetAsync("/api/config/status")).GetProperty("file_problems").GetArrayLength());
        Assert.Equal(before, await VersionAsync());
        Assert.False(_gw.HasExited);
        Assert.Equal("connected", (await DeviceAsync("ups"))!.Value.GetProperty("link").GetString());

        Save(Yaml());
        await UntilAsync(async () => (await GetAsync("/api/health")).GetProperty("components").GetProperty("config").GetProperty("state").GetString() == "current",
            "the fixed file accepted");
    }

    [Fact]
    public async Task Sighup_reads_the_file_again_and_never_stops_the_gateway()
    {
        var before = await VersionAsync();
        // Written through a second name in another directory: the watch on the config's directory does not see it, SIGHUP does.
        var other = Directory.CreateDirectory(_dir.File("elsewhere")).FullName;
        var alias = Path.Combine(other, "config.yaml");
        Assert.True(link(_config, alias) == 0, $"link(2) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        File.WriteAllText(alias, Yaml(nasPassword: "secret3"));
        _gw.Signal(1);
        await UntilAsync(() => Task.FromResult(_gw.Output.Contains("SIGHUP: reading the configuration again", StringComparison.Ordinal)), "the SIGHUP logged");
        await UntilAsync(async () => await VersionAsync() > before, "the file applied after SIGHUP");
        _gw.Signal(1);
        await UntilAsync(() => Task.FromResult(_gw.Output.Contains("Configuration unchanged; nothing to apply", StringComparison.Ordinal)), "a second SIGHUP with nothing new");
        Assert.False(_gw.HasExited);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await _http.GetAsync(Url + "/api/health")).StatusCode);
    }

    [System.Runtime.InteropServices.LibraryImport("libc", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8, SetLastError = true)]
    private static partial int link(string oldpath, string newpath);
}
