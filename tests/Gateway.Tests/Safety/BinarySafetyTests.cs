using System.Diagnostics;
using System.Text.Json;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Gateway.Tests.Safety;

/// <summary>
/// Scenarios of the fault matrix through the real binary (gateway.dll from the build output) against a MUST
/// answered by pymodbus over socat ptys, with <c>shutdown.dry_run: true</c>, asserted through /api/policy and the
/// event log (/api/events). Real time, so <c>link_lost_after</c> is 10 s here instead of 90 s; everything else is
/// the default (readings every second, on_battery_delay 5 s, 3 readings in a row).
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class BinarySafetyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int LinkLostAfterSeconds = 10;
    private readonly TempDir _dir = new("gw-binsafety");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };   // a hang guard: the machine may be busy
    private PymodbusMust _ups = null!;
    private GatewayProcess? _gw;
    private string _config = "";
    private int _web;

    public async Task InitializeAsync()
    {
        _ups = new PymodbusMust(_dir.Path);
        await _ups.PlugAsync();
        _web = FreePort.Next();
        _config = _dir.Write("config.yaml", $$"""
            gateway: { data_dir: {{Path.Combine(_dir.Path, "data")}} }
            devices:
              - { id: ups, type: must, port: {{_ups.DeviceLink}}, poll_interval: 1s, timeout: 300ms }
            web: { listen: "http://127.0.0.1:{{_web}}" }
            nut_server: { listen: ["127.0.0.1:{{FreePort.Next()}}"] }
            policy:
              link_lost_after: {{LinkLostAfterSeconds}}s
            shutdown: { dry_run: true, nut_fsd: { enabled: false } }
            """);
        await StartGatewayAsync();
    }

    public async Task DisposeAsync()
    {
        if (_gw is not null) await _gw.DisposeAsync();
        await _ups.DisposeAsync();
        _http.Dispose();
        _dir.Dispose();
    }

    private async Task StartGatewayAsync()
    {
        _gw = GatewayProcess.Start(["run", "--config", _config], _dir.Path);
        (await _gw.WaitForHttpAsync($"http://127.0.0.1:{_web}/api/health", TimeSpan.FromSeconds(60))).Dispose();
    }

    private async Task<JsonElement> PolicyAsync() =>
        JsonDocument.Parse(await _http.GetStringAsync($"http://127.0.0.1:{_web}/api/policy")).RootElement;

    private async Task<List<(string Kind, string Message, JsonElement Data)>> EventsAsync()
    {
        var doc = JsonDocument.Parse(await _http.GetStringAsync($"http://127.0.0.1:{_web}/api/events?limit=500")).RootElement;
        return doc.GetProperty("events").EnumerateArray()
            .Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("message").GetString()!, e.TryGetProperty("data", out var d) ? d : default))
            .ToList();
    }

    private async Task<JsonElement> WaitPolicyAsync(Func<JsonElement, bool> until, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        JsonElement p = default;
        while (sw.Elapsed < timeout)
        {
            p = await PolicyAsync();
            if (until(p)) return p;
            await Task.Delay(200);
        }
        throw new TimeoutException($"{what}: not within {timeout.TotalSeconds} s; /api/policy: {p}\n{_gw!.Output}");
    }

    private static string State(JsonElement p) => p.GetProperty("state").GetString()!;

    private async Task<string?> FiredAsync() =>
        (await EventsAsync()).Where(e => e.Kind == "trigger_fired").Select(e => e.Data.GetProperty("trigger").GetString()).FirstOrDefault();

    // The first reading has arrived once the policy knows the (estimated) runtime.
    private Task ConnectedOnLineAsync() =>
        WaitPolicyAsync(p => State(p) == "normal" && p.TryGetProperty("runtime_seconds", out var r) && r.ValueKind == JsonValueKind.Number, TimeSpan.FromSeconds(60), "first reading");

    private async Task ConfirmedOutageAsync(string state = "OB 90")
    {
        await ConnectedOnLineAsync();
        _ups.Set(state);
        await WaitPolicyAsync(p => State(p) == "on_battery", TimeSpan.FromSeconds(30), "outage confirmed");
    }

    [Fact]
    public async Task Blink_then_usb_reset_does_not_shut_down()
    {
        await ConnectedOnLineAsync();
        _ups.Set("OB 100");
        await Task.Delay(1300);
        _ups.Set("OL 100");
        await Task.Delay(1500);
        await _ups.UnplugAsync();
        await Task.Delay(6000);
        await _ups.PlugAsync();
        await Task.Delay(TimeSpan.FromSeconds(LinkLostAfterSeconds + 5));
        Assert.Null(await FiredAsync());
        Assert.Equal("normal", State(await PolicyAsync()));
    }

    [Fact]
    public async Task A_blink_shorter_than_on_battery_delay_is_not_an_outage()
    {
        await ConnectedOnLineAsync();
        _ups.Set("OB 100");
        await Task.Delay(2000);   // well under on_battery_delay (5 s), even if a reading comes late
        _ups.Set("OL 100");
        // Wait for the policy to call it a blip (it judges the OL reading), then check nothing fired on the way.
        var p = await WaitPolicyAsync(x => x.GetProperty("last_decision").GetString()?.Contains("a blip", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(30), "the blip to be judged");
        Assert.Null(await FiredAsync());
        Assert.Equal("normal", State(p));
    }

    [Fact]
    public async Task An_outage_that_ends_goes_back_to_normal_without_a_trigger()
    {
        await ConfirmedOutageAsync();
        var p = await PolicyAsync();
        Assert.True(p.GetProperty("runtime_estimated").GetBoolean());
        Assert.True(p.GetProperty("runtime_seconds").GetDouble() > 60);
        _ups.Set("OL 100");
        await WaitPolicyAsync(x => State(x) == "normal", TimeSpan.FromSeconds(20), "power back");
        Assert.Null(await FiredAsync());
    }

    [Fact]
    public async Task Usb_gone_for_good_in_an_outage_fires_link_lost_after_the_floor_and_shows_when()
    {
        await ConfirmedOutageAsync();
        await _ups.UnplugAsync();
        var unplugged = Stopwatch.StartNew();
        var p = await WaitPolicyAsync(x => x.TryGetProperty("failsafe_at", out var f) && f.ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(15), "failsafe_at shown");
        output.WriteLine($"failsafe_at shown {unplugged.Elapsed.TotalSeconds:0.0} s after the unplug: {p}");
        await WaitPolicyAsync(x => State(x) != "on_battery", TimeSpan.FromSeconds(LinkLostAfterSeconds + 60), "link_lost");
        var fired = unplugged.Elapsed;
        output.WriteLine($"link_lost {fired.TotalSeconds:0.0} s after the unplug");
        Assert.Equal("link_lost", await FiredAsync());
        // Not before the floor (the last reading came at most one poll before the unplug); no upper bound on a shared machine.
        Assert.True(fired.TotalSeconds >= LinkLostAfterSeconds - 1.5, $"link_lost fired {fired.TotalSeconds:0.0} s after the unplug, before the {LinkLostAfterSeconds} s floor");
        // The state leaves on_battery when the trigger fires; the dry-run sequence reports its end a moment later.
        await Support.Wait.UntilAsync(async () => (await EventsAsync()).Any(e => e.Kind == "shutdown_finished" && e.Data.GetProperty("dry_run").GetString() == "true"),
            "the dry-run sequence's shutdown_finished event", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_usb_reset_shorter_than_the_floor_in_an_outage_is_ridden_out()
    {
        await ConfirmedOutageAsync();
        await _ups.UnplugAsync();
        await Task.Delay(3000);   // a USB reset well under the 10 s floor, with room for the reconnect on a loaded machine
        await _ups.PlugAsync();
        await Task.Delay(TimeSpan.FromSeconds(LinkLostAfterSeconds + 3));
        Assert.Null(await FiredAsync());
        Assert.Equal("on_battery", State(await PolicyAsync()));
    }

    /// <summary>SIGKILL (as a watchdog or the OOM killer would) in a confirmed outage, then a restart with or without the UPS link.</summary>
    private async Task KilledInAnOutageAsync(bool linkComesBack)
    {
        await ConfirmedOutageAsync();
        // The confirmed outage is on disk before the kill (it is written at once on confirmation).
        var memory = Path.Combine(_dir.Path, "data", Gateway.Policy.PolicyMemoryStore.FileName);
        await Support.Wait.UntilAsync(() => File.Exists(memory) && File.ReadAllText(memory).Contains("\"confirmed\": true", StringComparison.Ordinal),
            $"{memory} to record the confirmed outage", TimeSpan.FromSeconds(30));
        _gw!.Signal(9);
        await _gw.WaitForExitAsync(TimeSpan.FromSeconds(10));
        await _gw.DisposeAsync();
        if (!linkComesBack) await _ups.UnplugAsync();
        await StartGatewayAsync();
    }

    [Fact]
    public async Task Killed_in_an_outage_and_the_link_never_returns_the_failsafe_still_fires()
    {
        await KilledInAnOutageAsync(linkComesBack: false);
        var restarted = Stopwatch.StartNew();
        var p = await PolicyAsync();
        output.WriteLine($"after the restart: {p}");
        Assert.Equal("on_battery", State(p));
        await WaitPolicyAsync(x => State(x) != "on_battery", TimeSpan.FromSeconds(LinkLostAfterSeconds + 60), "link_lost after the restart");
        output.WriteLine($"link_lost {restarted.Elapsed.TotalSeconds:0.0} s after the restart");
        Assert.Equal("link_lost", await FiredAsync());
        // The failsafe clock starts at the restart: not before the floor.
        Assert.True(restarted.Elapsed.TotalSeconds >= LinkLostAfterSeconds - 2, $"link_lost fired {restarted.Elapsed.TotalSeconds:0.0} s after the restart, before the {LinkLostAfterSeconds} s floor");
    }

    [Fact]
    public async Task Killed_in_an_outage_and_back_on_battery_it_keeps_watching_without_firing()
    {
        await KilledInAnOutageAsync(linkComesBack: true);
        Assert.Equal("on_battery", State(await PolicyAsync()));
        await Task.Delay(TimeSpan.FromSeconds(LinkLostAfterSeconds + 3));
        Assert.Null(await FiredAsync());
        Assert.Equal("on_battery", State(await PolicyAsync()));
    }

    [Fact]
    public async Task Low_charge_on_battery_fires_low_battery_as_a_dry_run()
    {
        await ConnectedOnLineAsync();
        _ups.Set("OB 18");
        var fired = await WaitPolicyAsync(x => State(x) is "shutdown_pending" or "shutting_down", TimeSpan.FromSeconds(30), "low battery");
        Assert.True(fired.GetProperty("dry_run").GetBoolean());
        Assert.Equal("low_battery", await FiredAsync());
        var events = await EventsAsync();
        Assert.Contains(events, e => e.Kind == "trigger_fired" && e.Message.StartsWith("[DRY-RUN]", StringComparison.Ordinal));
    }
}
