using Gateway.Tests.Support;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.Readings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Gateway.Tests.Simulation;

/// <summary>
/// <c>gateway run --simulate</c>: both simulated devices Connected in /api/health (how fast is printed: the 3 s
/// target is a measured figure, not asserted on a shared machine); power cut and restore via the demo API.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DemoModeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("demo").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };   // a hang guard: the machine may be busy
    private IHost? _host;
    private int _port;

    public Task InitializeAsync()
    {
        _port = FreePort.Next();
        _http.BaseAddress = new Uri($"http://127.0.0.1:{_port}");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
            _host.Dispose();
        }
        _http.Dispose();
        Directory.Delete(_dir, true);
    }

    private async Task<JsonElement> Health()
    {
        using var response = await _http.GetAsync("/api/health");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static string? LinkOf(JsonElement health, string id) =>
        health.GetProperty("devices").EnumerateArray().Where(d => d.GetProperty("id").GetString() == id).Select(d => d.GetProperty("link").GetString()).FirstOrDefault();

    /// <summary>The gateway with only the web API on this test's port (no NUT server, no history), with or without --simulate.</summary>
    private IHost BuildHost(bool simulate) => GatewayHost.Build(TestConfig.Load($"""
        gateway:
          data_dir: {_dir}
        web:
          listen: http://127.0.0.1:{_port}
        nut_server:
          enabled: false
        history:
          enabled: false
        mqtt:
          embedded_port: {FreePort.Next()}
        """), new RunOptions(Simulate: simulate));

    [Fact]
    public async Task Both_demo_devices_are_connected_and_a_power_cut_shows_on_the_ups()
    {
        _host = BuildHost(simulate: true);
        var clock = Stopwatch.StartNew();
        await _host.StartAsync();
        JsonElement health = default;
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                health = await Health();
                if (LinkOf(health, DemoMode.UpsId) == "connected" && LinkOf(health, DemoMode.MeterId) == "connected") break;
            }
            catch (HttpRequestException) { }
            await Task.Delay(25);
        }
        var elapsed = clock.Elapsed;
        output.WriteLine($"both demo devices connected {elapsed.TotalMilliseconds:0} ms after start");
        Assert.Equal("connected", LinkOf(health, DemoMode.UpsId));
        Assert.Equal("connected", LinkOf(health, DemoMode.MeterId));

        var hub = _host.Services.GetRequiredService<ReadingHub>();
        await RecordingSink.WaitUntil(() => hub.Get(DemoMode.UpsId)?.Latest is UpsReading { Status.OnLine: true }, TimeSpan.FromSeconds(20), "an OL reading");
        using (var cut = await _http.PostAsync("/api/demo/power-cut", null))
        {
            Assert.Equal(HttpStatusCode.OK, cut.StatusCode);
            Assert.False(JsonDocument.Parse(await cut.Content.ReadAsStringAsync()).RootElement.GetProperty("mains_present").GetBoolean());
        }
        await RecordingSink.WaitUntil(() => hub.Get(DemoMode.UpsId)?.Latest is UpsReading { Status.OnBattery: true }, TimeSpan.FromSeconds(20), "OB after the power cut");
        using (var restore = await _http.PostAsync("/api/demo/power-restore", null)) Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        await RecordingSink.WaitUntil(() => hub.Get(DemoMode.UpsId)?.Latest is UpsReading { Status.OnLine: true }, TimeSpan.FromSeconds(20), "OL after the restore");
        await RecordingSink.WaitUntil(() => hub.Get(DemoMode.MeterId)?.Link == LinkState.Connected, TimeSpan.FromSeconds(20), "meter back after the restore");
    }

    [Fact]
    public async Task Without_simulate_there_are_no_demo_endpoints()
    {
        _host = BuildHost(simulate: false);
        await _host.StartAsync();
        using var cut = await _http.PostAsync("/api/demo/power-cut", null);
        Assert.Equal(HttpStatusCode.NotFound, cut.StatusCode);
    }
}
