using System.Text.Json;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Gateway.Setup;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;
using Gateway.Tests.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Setup;

/// <summary>
/// The port picker and probe through the HTTP API against the project's MUST and EM340 simulators on socat ptys,
/// listed under a fake /dev/serial/by-id: identity read, wrong address, wrong device type, the running gateway's
/// own bus borrowed, and refusals (unlisted port, no token).
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class SerialProbeApiTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-probe-").FullName;
    private string ById => Path.Combine(_dir, "by-id");
    private string UpsLink => Path.Combine(ById, "usb-MUST_EP20-if00-port0");
    private string MeterLink => Path.Combine(ById, "usb-FTDI_RS485-if00-port0");
    private SocatPair _ups = null!, _meter = null!;
    private PortSimulatorHost _upsSim = null!, _meterSim = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ById);
        Directory.CreateDirectory(Path.Combine(_dir, "ups"));
        Directory.CreateDirectory(Path.Combine(_dir, "meter"));
        _ups = new SocatPair(Path.Combine(_dir, "ups"));
        _meter = new SocatPair(Path.Combine(_dir, "meter"));
        await _ups.PlugAsync();
        await _meter.PlugAsync();
        File.CreateSymbolicLink(UpsLink, _ups.DeviceLink);
        File.CreateSymbolicLink(MeterLink, _meter.DeviceLink);
        _upsSim = new PortSimulatorHost(_ups.SimulatorLink, new MustSimulator(TimeProvider.System, seed: 3));
        _meterSim = new PortSimulatorHost(_meter.SimulatorLink, new Em340Simulator(TimeProvider.System, seed: 3, serial: "235411W"));
    }

    public async Task DisposeAsync()
    {
        await _upsSim.DisposeAsync();
        await _meterSim.DisposeAsync();
        _ups.Dispose();
        _meter.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private Task<ApiTestHost> StartAsync(string devices = "", ModbusBuses? buses = null) => ApiTestHost.StartAsync($"""
        web:
          api_token: {ApiTestHost.Token}
        {devices}
        """, s =>
    {
        s.AddSingleton(new SerialPortCatalog(ById, Path.Combine(_dir, "no-dev")));
        if (buses is not null) s.AddSingleton(buses);
    });

    private static async Task<JsonElement> Probe(ApiTestHost host, string port, string type, int? address = null)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object?> { ["port"] = port, ["type"] = type, ["address"] = address });
        var (resp, json) = await host.PostJson("/api/setup/serial/probe", body);
        Assert.True(resp.IsSuccessStatusCode, $"{(int)resp.StatusCode}: {json}");
        return json;
    }

    private static string Fact(JsonElement result, string name) =>
        result.GetProperty("facts").EnumerateArray().First(f => f.GetProperty("name").GetString() == name).GetProperty("value").GetString()!;

    [Fact]
    public async Task Lists_by_id_names_with_their_device_nodes()
    {
        await using var host = await StartAsync();
        var (resp, json) = await host.GetJson("/api/setup/serial/ports", ApiTestHost.Token);
        Assert.True(resp.IsSuccessStatusCode, json.ToString());
        var ups = json.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("path").GetString() == UpsLink);
        Assert.Equal(_ups.DeviceTarget, ups.GetProperty("target").GetString());
        Assert.True(ups.GetProperty("stable").GetBoolean());
    }

    [Fact]
    public async Task Reads_each_identity_and_explains_wrong_address_and_wrong_type()
    {
        await using var host = await StartAsync();

        var must = await Probe(host, UpsLink, "must");
        Assert.Equal("ok", must.GetProperty("status").GetString());
        Assert.Contains("MUST EP20", must.GetProperty("message").GetString());
        Assert.Matches("^(12|24) V$", Fact(must, "battery"));
        Assert.Contains("EP20", Fact(must, "model"));

        var meter = await Probe(host, MeterLink, "em340");
        Assert.Equal("ok", meter.GetProperty("status").GetString());
        Assert.Equal("235411W", Fact(meter, "serial"));
        Assert.Contains("EM340", meter.GetProperty("message").GetString());

        var wrongAddress = await Probe(host, UpsLink, "must", address: 5);
        Assert.False(wrongAddress.GetProperty("ok").GetBoolean());
        Assert.Equal("wrong_address", wrongAddress.GetProperty("status").GetString());
        Assert.Contains("Nothing answered at address 5", wrongAddress.GetProperty("message").GetString());
        Assert.Contains("address 10", wrongAddress.GetProperty("message").GetString());
        Assert.Contains("Set the address to 10", wrongAddress.GetProperty("fix").GetString());

        var wrongType = await Probe(host, UpsLink, "em340", address: 10);
        Assert.Equal("wrong_device", wrongType.GetProperty("status").GetString());
        Assert.Contains("not an EM340 meter", wrongType.GetProperty("message").GetString());
        Assert.Contains("'must'", wrongType.GetProperty("fix").GetString());

        var nothing = await Probe(host, MeterLink, "em340", address: 101);
        Assert.Equal("wrong_address", nothing.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Nothing_at_any_address_is_no_answer_with_what_to_check()
    {
        await using var host = await StartAsync();
        await _meterSim.DisposeAsync();
        var silent = await Probe(host, MeterLink, "em340");
        Assert.Equal("no_answer", silent.GetProperty("status").GetString());
        Assert.Contains("Nothing answered at address 1 at 9600 baud", silent.GetProperty("message").GetString());
        Assert.Contains("A/B", silent.GetProperty("fix").GetString());
    }

    [Fact]
    public async Task A_port_the_running_gateway_uses_is_probed_through_its_open_bus()
    {
        var buses = new ModbusBuses(TimeProvider.System);
        await using var host = await StartAsync($"""
            devices:
              - id: ups
                type: must
                port: {UpsLink}
            """, buses);
        using var stop = new CancellationTokenSource();
        var driver = new MustDriver(new MustSettings("ups", new SerialSettings(UpsLink), PollInterval: TimeSpan.FromMilliseconds(300)),
            TimeProvider.System, NullLogger.Instance, buses: buses);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, stop.Token));
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Connected, TimeSpan.FromSeconds(20), "the driver to connect");

        var (_, ports) = await host.GetJson("/api/setup/serial/ports", ApiTestHost.Token);
        var entry = ports.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("path").GetString() == UpsLink);
        Assert.Equal("ups", entry.GetProperty("used_by")[0].GetString());

        var result = await Probe(host, UpsLink, "must");
        Assert.Equal("ok", result.GetProperty("status").GetString());
        Assert.Contains("device 'ups'", Fact(result, "shared"));
        Assert.Equal(1, buses.UsersOf(UpsLink));
        Assert.Equal(LinkState.Connected, sink.Current);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Unlisted_paths_bad_fields_and_missing_token_are_refused()
    {
        await using var host = await StartAsync();
        var (notListed, json) = await host.PostJson("/api/setup/serial/probe", """{"port":"/etc/passwd","type":"must"}""");
        Assert.Equal(400, (int)notListed.StatusCode);
        Assert.Contains("not a serial port this gateway lists", json.GetProperty("detail").GetString());
        var (badType, _) = await host.PostJson("/api/setup/serial/probe", $$"""{"port":"{{UpsLink}}","type":"modbus"}""");
        Assert.Equal(400, (int)badType.StatusCode);
        var (noToken, _) = await host.PostJson("/api/setup/serial/probe", $$"""{"port":"{{UpsLink}}","type":"must"}""", token: null);
        Assert.Equal(401, (int)noToken.StatusCode);
    }
}
