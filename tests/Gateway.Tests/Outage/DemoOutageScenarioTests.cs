using System.Net;
using System.Text.Json;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.Readings;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Gateway.Tests.Outage;

/// <summary>
/// The whole outage in demo mode (simulated MUST and EM340 over real ptys, the real drivers, policy, sequence and web
/// API): power cut → a shedding stage → the final trigger → the sequence with its power-cycle step → power restore →
/// the outage report and its timeline. Demo mode forces a dry run: every step is rehearsed, nothing powers off.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class DemoOutageScenarioTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDir _dir = new("gw-demo-outage");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };   // a hang guard: the machine may be busy
    private IHost? _host;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
            _host.Dispose();
        }
        _http.Dispose();
        _dir.Dispose();
    }

    private async Task<JsonElement> Get(string path) =>
        JsonDocument.Parse(await _http.GetStringAsync(path)).RootElement.Clone();

    private async Task<List<JsonElement>> Events()
    {
        var e = await Get("/api/events?limit=200");
        return e.GetProperty("events").EnumerateArray().ToList();
    }

    private async Task<List<JsonElement>> WaitForEvent(string kind)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var events = await Events();
            if (events.Any(e => e.GetProperty("kind").GetString() == kind)) return events;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no {kind} event within {Patience}: {string.Join(" | ", events.Select(e => e.GetProperty("message").GetString()))}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Power_cut_shedding_trigger_power_cycle_restore_and_report()
    {
        var port = FreePort.Next();
        _http.BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _host = GatewayHost.Build(TestConfig.Load($"""
            gateway: {"{"} data_dir: {_dir.Path} {"}"}
            web: {"{"} listen: http://127.0.0.1:{port} {"}"}
            nut_server: {"{"} enabled: false {"}"}
            history: {"{"} enabled: false {"}"}
            gpio: {"{"} enabled: false {"}"}
            logging: {"{"} level: warning {"}"}
            mqtt: {"{"} embedded_port: {FreePort.Next()} {"}"}
            policy: {"{"} on_battery_delay: 1s, max_time_on_battery: 6s {"}"}
            shutdown:
              containers: {"{"} enabled: true, timeout: 10s {"}"}
              shedding:
                - {"{"} name: non-critical, after_on_battery: 3s, containers: [demo-app] {"}"}
              restore: {"{"} stable_for: 2s {"}"}
            """), new RunOptions(Simulate: true));
        await _host.StartAsync();
        var hub = _host.Services.GetRequiredService<ReadingHub>();
        await Wait.UntilAsync(() => hub.Get(DemoMode.UpsId)?.Latest is UpsReading { Status.OnLine: true }, "an OL reading", Patience);

        using (var cut = await _http.PostAsync("/api/demo/power-cut", null)) Assert.Equal(HttpStatusCode.OK, cut.StatusCode);
        await WaitForEvent(EventKinds.ShutdownFinished);
        var during = await Get("/api/outages");
        Assert.Equal(JsonValueKind.Object, during.GetProperty("current").ValueKind);

        using (var restore = await _http.PostAsync("/api/demo/power-restore", null)) Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        var events = await WaitForEvent(EventKinds.OutageReport);
        foreach (var e in events) output.WriteLine($"{e.GetProperty("kind").GetString()}: {e.GetProperty("message").GetString()}");

        string Kind(JsonElement e) => e.GetProperty("kind").GetString()!;
        string Message(JsonElement e) => e.GetProperty("message").GetString()!;
        var shed = Assert.Single(events, e => Kind(e) == EventKinds.LoadShed);
        Assert.Contains("[DRY-RUN]", Message(shed));
        Assert.Contains("docker stop --time 10 demo-app", Message(shed));
        Assert.Contains(events, e => Kind(e) == EventKinds.TriggerFired && Message(e).Contains("max_time_on_battery"));
        Assert.Contains(events, e => Kind(e) == EventKinds.ShutdownStep && Message(e).Contains("power_cycle") && Message(e).Contains("would send shutdown.return to UPS 'ups'"));
        var report = Message(Assert.Single(events, e => Kind(e) == EventKinds.OutageReport));
        Assert.StartsWith("Outage of ", report);
        Assert.Contains("lowest charge", report);
        Assert.Contains("Wh from the battery", report);

        var after = await Get("/api/outages");
        Assert.Equal(JsonValueKind.Null, after.GetProperty("current").ValueKind);
        var outage = Assert.Single(after.GetProperty("recent").EnumerateArray());
        var steps = outage.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Equal("shed:demo-app", steps[0]);
        Assert.Contains("trigger:max_time_on_battery", steps);
        Assert.Contains("power_cycle", steps);
        Assert.Contains("local", steps);
        Assert.True(outage.GetProperty("battery_watt_hours").GetDouble() > 0);
        // A rehearsal shuts nothing down: nothing to wake, nothing recorded as down.
        Assert.Equal(0, outage.GetProperty("machines").GetArrayLength());
    }
}
