using Gateway.Tests.Support;
using System.Net;
using System.Text.Json;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Shutdown;
using Gateway.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Web;

public sealed class ApiEndpointTests
{
    private static readonly string WithToken = $"web:\n  api_token: {ApiTestHost.Token}\n";

    [Fact]
    public async Task Telemetry_lists_every_device_with_values_units_link_and_nut_variables()
    {
        await using var host = await ApiTestHost.StartAsync();
        var now = DateTimeOffset.UtcNow;
        host.Hub.Register("ups", "must", DeviceKind.Ups);
        host.Hub.Register("grid", "em340", DeviceKind.Meter);
        host.Hub.Register("nas-ups", "nut", DeviceKind.Ups);
        host.Hub.Publish(TestReadings.Ups("ups", now, input: 229.5));
        host.Hub.Publish(TestReadings.Meter("grid", now));

        var (resp, json) = await host.GetJson("/api/telemetry");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("application/json; charset=utf-8", resp.Content.Headers.ContentType!.ToString());
        var devices = json.GetProperty("devices").EnumerateArray().ToArray();
        Assert.Equal(["grid", "nas-ups", "ups"], devices.Select(d => d.GetProperty("id").GetString()));

        var ups = devices[2];
        Assert.Equal("must", ups.GetProperty("type").GetString());
        Assert.Equal("ups", ups.GetProperty("kind").GetString());
        Assert.Equal("connected", ups.GetProperty("link").GetString());
        Assert.True(ups.GetProperty("fresh").GetBoolean());
        Assert.Equal("OL CHRG", ups.GetProperty("status").GetString());
        Assert.Equal(["OL", "CHRG"], ups.GetProperty("status_flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(229.5, ups.GetProperty("values").GetProperty("input.voltage").GetProperty("value").GetDouble());
        Assert.Equal("V", ups.GetProperty("values").GetProperty("input.voltage").GetProperty("unit").GetString());
        Assert.Equal("%", ups.GetProperty("values").GetProperty("battery.charge").GetProperty("unit").GetString());
        Assert.Equal("EP20-1000 PRO", ups.GetProperty("variables").GetProperty("device.model").GetString());
        Assert.Equal(now, ups.GetProperty("timestamp").GetDateTimeOffset());

        var grid = devices[0];
        Assert.Equal("meter", grid.GetProperty("kind").GetString());
        Assert.Equal(1200, grid.GetProperty("values").GetProperty("l1.power").GetProperty("value").GetDouble());
        Assert.Equal("kWh", grid.GetProperty("values").GetProperty("import_energy").GetProperty("unit").GetString());
        Assert.False(grid.TryGetProperty("variables", out _));

        var nas = devices[1];
        Assert.Equal("connecting", nas.GetProperty("link").GetString());
        Assert.False(nas.GetProperty("fresh").GetBoolean());
        Assert.Equal(JsonValueKind.Object, nas.GetProperty("values").ValueKind);
        Assert.Empty(nas.GetProperty("values").EnumerateObject());
    }

    [Fact]
    public async Task Telemetry_of_one_device_and_unknown_device_is_404_with_reason()
    {
        await using var host = await ApiTestHost.StartAsync();
        host.Hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow));

        var (ok, one) = await host.GetJson("/api/telemetry/ups");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("ups", one.GetProperty("id").GetString());

        var (missing, error) = await host.GetJson("/api/telemetry/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("unknown device 'nope'", error.GetProperty("error").GetString());
        Assert.Contains("ups", error.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Telemetry_shows_active_alarms_per_device_and_overall()
    {
        await using var host = await ApiTestHost.StartAsync("web:\n  alarms:\n    load_high: 70\n");
        host.Hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow, input: 0, charge: 15, load: 75, status: "OB DISCHRG"));
        await ApiTestHost.Eventually(() => host.Alarms.For("ups").Count == 3, "three alarms");

        var (_, json) = await host.GetJson("/api/telemetry");
        var all = json.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("kind").GetString()!).ToArray();
        Assert.Equal(["input_voltage_low", "battery_low", "load_high"], all);
        var ups = json.GetProperty("devices")[0];
        var load = ups.GetProperty("alarms").EnumerateArray().Single(a => a.GetProperty("kind").GetString() == "load_high");
        Assert.Equal(75, load.GetProperty("value").GetDouble());
        Assert.Equal(70, load.GetProperty("threshold").GetDouble());
        Assert.Equal("Load 75 % is above 70 %", load.GetProperty("message").GetString());
    }

    [Fact]
    public async Task History_without_a_store_is_503_with_reason()
    {
        await using var host = await ApiTestHost.StartAsync();
        host.Hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow));
        var (resp, json) = await host.GetJson("/api/history/ups?metric=battery.charge");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
        Assert.Equal("history is not available", json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task History_passes_the_parsed_range_to_the_store_and_returns_the_series()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var store = new FakeHistoryStore();
        await using var host = await ApiTestHost.StartAsync(configure: s => s.AddSingleton<IHistoryStore>(store), time: time);
        host.Hub.Publish(TestReadings.Meter("grid", time.GetUtcNow()));

        var (resp, json) = await host.GetJson("/api/history/grid?metric=total.power&from=-2h&to=-30m&points=50");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(("grid", "total.power", time.GetUtcNow().AddHours(-2), time.GetUtcNow().AddMinutes(-30), 50), store.LastQuery);
        Assert.Equal("W", json.GetProperty("unit").GetString());
        Assert.Equal(2, json.GetProperty("points").GetArrayLength());
        Assert.Equal(90, json.GetProperty("points")[0].GetProperty("value").GetDouble());

        (resp, _) = await host.GetJson("/api/history/grid?metric=l2.voltage&from=2026-05-01T10:00:00%2B02:00&to=now");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero), store.LastQuery!.Value.From);
        Assert.Equal(time.GetUtcNow(), store.LastQuery!.Value.To);

        // Defaults: the last hour, 300 points.
        (resp, _) = await host.GetJson("/api/history/grid?metric=frequency");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal((time.GetUtcNow().AddHours(-1), time.GetUtcNow(), 300), (store.LastQuery!.Value.From, store.LastQuery!.Value.To, store.LastQuery!.Value.MaxPoints));
    }

    [Theory]
    [InlineData("/api/history/ups", HttpStatusCode.BadRequest, "metric is required")]
    [InlineData("/api/history/ups?metric=l1.voltage", HttpStatusCode.BadRequest, "unknown metric 'l1.voltage' for a ups")]
    [InlineData("/api/history/ups?metric=battery.charge&from=yesterday", HttpStatusCode.BadRequest, "bad 'from'")]
    [InlineData("/api/history/ups?metric=battery.charge&from=-1x", HttpStatusCode.BadRequest, "bad 'from'")]
    [InlineData("/api/history/ups?metric=battery.charge&to=2026-13-01", HttpStatusCode.BadRequest, "bad 'to'")]
    [InlineData("/api/history/ups?metric=battery.charge&from=-1h&to=-2h", HttpStatusCode.BadRequest, "bad time range")]
    [InlineData("/api/history/ups?metric=battery.charge&from=now&to=now", HttpStatusCode.BadRequest, "bad time range")]
    [InlineData("/api/history/ups?metric=battery.charge&from=1000000000", HttpStatusCode.BadRequest, "bad time range")]
    [InlineData("/api/history/ups?metric=battery.charge&points=1", HttpStatusCode.BadRequest, "bad 'points'")]
    [InlineData("/api/history/ups?metric=battery.charge&points=abc", HttpStatusCode.BadRequest, "bad 'points'")]
    [InlineData("/api/history/nope?metric=battery.charge", HttpStatusCode.NotFound, "unknown device 'nope'")]
    [InlineData("/api/events?limit=0", HttpStatusCode.BadRequest, "bad 'limit'")]
    [InlineData("/api/events?limit=5000", HttpStatusCode.BadRequest, "bad 'limit'")]
    [InlineData("/api/nothing-here", HttpStatusCode.NotFound, "no such endpoint")]
    public async Task Bad_requests_get_4xx_with_a_json_reason(string path, HttpStatusCode status, string error)
    {
        var store = new FakeHistoryStore();
        await using var host = await ApiTestHost.StartAsync(configure: s => s.AddSingleton<IHistoryStore>(store));
        host.Hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow));
        var (resp, json) = await host.GetJson(path);
        Assert.Equal(status, resp.StatusCode);
        Assert.Equal(error, json.GetProperty("error").GetString());
        Assert.Null(store.LastQuery);
    }

    [Fact]
    public async Task Events_fall_back_to_the_bus_newest_first_and_use_the_store_when_present()
    {
        await using (var host = await ApiTestHost.StartAsync())
        {
            var t0 = DateTimeOffset.UtcNow;
            for (var i = 0; i < 5; i++)
                host.Events.Publish(new GatewayEvent(t0.AddSeconds(i), EventKinds.PowerLost, EventSeverity.Warning, $"event {i}", "ups"));
            var (resp, json) = await host.GetJson("/api/events?limit=3");
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
            Assert.Equal("memory", json.GetProperty("source").GetString());
            Assert.Equal(["event 4", "event 3", "event 2"], json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("message").GetString()));
            Assert.Equal("warning", json.GetProperty("events")[0].GetProperty("severity").GetString());
            Assert.Equal("power_lost", json.GetProperty("events")[0].GetProperty("kind").GetString());
        }

        var store = new FakeHistoryStore();
        store.StoredEvents.Add(new GatewayEvent(DateTimeOffset.UtcNow, EventKinds.DeviceLost, EventSeverity.Critical, "from the log", "ups",
            new Dictionary<string, string> { ["reason"] = "unplugged" }));
        await using (var host = await ApiTestHost.StartAsync(configure: s => s.AddSingleton<IHistoryStore>(store)))
        {
            var (_, json) = await host.GetJson("/api/events");
            Assert.Equal("history", json.GetProperty("source").GetString());
            var e = json.GetProperty("events").EnumerateArray().Single();
            Assert.Equal("critical", e.GetProperty("severity").GetString());
            Assert.Equal("unplugged", e.GetProperty("data").GetProperty("reason").GetString());
        }
    }

    [Fact]
    public async Task Policy_reports_state_time_on_battery_and_eta()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var policy = new MutablePolicySource();
        await using var host = await ApiTestHost.StartAsync(configure: s => s.AddSingleton<IPolicyStatusSource>(policy), time: time);

        var (_, json) = await host.GetJson("/api/policy");
        Assert.Equal("normal", json.GetProperty("state").GetString());
        Assert.False(json.TryGetProperty("on_battery_since", out _));

        policy.Current = new PolicyStatus(PolicyState.OnBattery, "ups", time.GetUtcNow().AddSeconds(-95), "runtime", TimeSpan.FromSeconds(240),
            "on battery; runtime trigger in 4 min", time.GetUtcNow().AddSeconds(-95), DryRun: true);
        (_, json) = await host.GetJson("/api/policy");
        Assert.Equal("on_battery", json.GetProperty("state").GetString());
        Assert.Equal("ups", json.GetProperty("protected_device").GetString());
        Assert.Equal(95, json.GetProperty("time_on_battery_seconds").GetDouble());
        Assert.Equal("runtime", json.GetProperty("next_trigger").GetString());
        Assert.Equal(240, json.GetProperty("next_trigger_eta_seconds").GetDouble());
        Assert.Equal(time.GetUtcNow().AddSeconds(240), json.GetProperty("next_trigger_at").GetDateTimeOffset());
        Assert.True(json.GetProperty("dry_run").GetBoolean());
    }

    [Fact]
    public async Task Actions_are_refused_with_403_when_no_token_is_configured()
    {
        var driver = new FakeDeviceDriver("ups", DeviceKind.Ups, "beeper.disable");
        await using var host = await ApiTestHost.StartAsync(drivers: [driver], configure: s => s.AddSingleton<IShutdownRehearsal>(new FakeRehearsal(TimeProvider.System)));
        var (resp, json) = await host.Send(HttpMethod.Post, "/api/shutdown/test", "anything");
        Assert.Equal(HttpStatusCode.Forbidden, resp.StatusCode);
        Assert.Equal("actions are disabled", json.GetProperty("error").GetString());
        (resp, _) = await host.Send(HttpMethod.Post, "/api/devices/ups/commands/beeper.disable");
        Assert.Equal(HttpStatusCode.Forbidden, resp.StatusCode);
        Assert.Empty(driver.Executed);
    }

    [Fact]
    public async Task Actions_need_the_right_bearer_token()
    {
        var driver = new FakeDeviceDriver("ups", DeviceKind.Ups, "beeper.disable");
        var rehearsal = new FakeRehearsal(TimeProvider.System);
        await using var host = await ApiTestHost.StartAsync(WithToken, drivers: [driver], configure: s => s.AddSingleton<IShutdownRehearsal>(rehearsal));

        var (resp, json) = await host.Send(HttpMethod.Post, "/api/shutdown/test");
        Assert.Equal(HttpStatusCode.Unauthorized, resp.StatusCode);
        Assert.Equal("authorization required", json.GetProperty("error").GetString());
        Assert.Equal("Bearer", resp.Headers.WwwAuthenticate.Single().Scheme);

        (resp, json) = await host.Send(HttpMethod.Post, "/api/shutdown/test", ApiTestHost.Token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, resp.StatusCode);
        Assert.Equal("invalid token", json.GetProperty("error").GetString());
        (resp, _) = await host.Send(HttpMethod.Post, "/api/devices/ups/commands/beeper.disable", "short");
        Assert.Equal(HttpStatusCode.Unauthorized, resp.StatusCode);
        Assert.Equal(0, rehearsal.Runs);
        Assert.Empty(driver.Executed);

        (resp, json) = await host.Send(HttpMethod.Post, "/api/shutdown/test", ApiTestHost.Token);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.True(json.GetProperty("dry_run").GetBoolean());
        Assert.Equal(1.5, json.GetProperty("duration_seconds").GetDouble());
        Assert.Equal(["sync", "local"], json.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()));
        Assert.Equal("systemctl poweroff", json.GetProperty("steps")[1].GetProperty("detail").GetString());
        Assert.Equal(1, rehearsal.Runs);

        (resp, json) = await host.Send(HttpMethod.Post, "/api/devices/ups/commands/beeper.disable", ApiTestHost.Token);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("ok", json.GetProperty("status").GetString());
        Assert.Equal(["beeper.disable"], driver.Executed);

        // Reads stay open.
        (resp, _) = await host.GetJson("/api/telemetry");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
    }

    [Fact]
    public async Task Device_commands_report_unknown_device_unsupported_command_and_device_failures()
    {
        var driver = new FakeDeviceDriver("ups", DeviceKind.Ups, "beeper.disable", "test.battery.start.quick");
        await using var host = await ApiTestHost.StartAsync(WithToken, drivers: [driver]);
        var t = ApiTestHost.Token;

        var (resp, json) = await host.Send(HttpMethod.Post, "/api/devices/nope/commands/beeper.disable", t);
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
        Assert.Equal("unknown device 'nope'", json.GetProperty("error").GetString());

        (resp, json) = await host.Send(HttpMethod.Post, "/api/devices/ups/commands/load.off", t);
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        Assert.Equal("supported: beeper.disable, test.battery.start.quick", json.GetProperty("detail").GetString());

        (resp, json) = await host.Send(HttpMethod.Post, "/api/devices/ups/commands/Bad%20Name", t);
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        Assert.Equal("'Bad Name' is not a command name", json.GetProperty("error").GetString());

        driver.Result = DeviceCommandResult.Failed("exception reply 0x02");
        (resp, json) = await host.Send(HttpMethod.Post, "/api/devices/ups/commands/test.battery.start.quick", t);
        Assert.Equal(HttpStatusCode.BadGateway, resp.StatusCode);
        Assert.Equal("exception reply 0x02", json.GetProperty("detail").GetString());

        driver.Result = DeviceCommandResult.Unavailable("link lost");
        (resp, _) = await host.Send(HttpMethod.Post, "/api/devices/ups/commands/beeper.disable", t);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);

        // GET on an action is not an action.
        (resp, _) = await host.Send(HttpMethod.Get, "/api/shutdown/test", t);
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
    }

    [Fact]
    public async Task Shutdown_test_is_503_without_a_rehearsal_and_409_while_one_runs()
    {
        await using (var host = await ApiTestHost.StartAsync(WithToken))
        {
            var (resp, json) = await host.Send(HttpMethod.Post, "/api/shutdown/test", ApiTestHost.Token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
            Assert.Equal("shutdown rehearsal is not available", json.GetProperty("error").GetString());
        }

        var rehearsal = new FakeRehearsal(TimeProvider.System) { Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using (var host = await ApiTestHost.StartAsync(WithToken, configure: s => s.AddSingleton<IShutdownRehearsal>(rehearsal)))
        {
            var first = host.Send(HttpMethod.Post, "/api/shutdown/test", ApiTestHost.Token);
            await ApiTestHost.Eventually(() => rehearsal.Runs == 1, "the first rehearsal to start");
            var (resp, _) = await host.Send(HttpMethod.Post, "/api/shutdown/test", ApiTestHost.Token);
            Assert.Equal(HttpStatusCode.Conflict, resp.StatusCode);
            rehearsal.Hold.SetResult();
            Assert.Equal(HttpStatusCode.OK, (await first).Response.StatusCode);
        }
    }

    [Fact]
    public async Task Auth_reads_protects_reads_and_metrics_but_not_health_or_the_page()
    {
        await using var host = await ApiTestHost.StartAsync(WithToken + "  auth_reads: true\n");
        foreach (var path in new[] { "/api/telemetry", "/api/events", "/api/policy", "/api/stream", "/metrics" })
        {
            var (resp, _) = await host.GetJson(path);
            Assert.True(resp.StatusCode == HttpStatusCode.Unauthorized, $"{path}: {resp.StatusCode}");
        }
        var (ok, _) = await host.GetJson("/api/telemetry", ApiTestHost.Token);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var metrics = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        metrics.Headers.Authorization = new("Bearer", ApiTestHost.Token);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(metrics)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/api/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public void Auth_reads_without_a_token_is_a_config_error()
    {
        var result = Gateway.Configuration.ConfigLoader.LoadText("web:\n  auth_reads: true\n", "test.yaml", new Dictionary<string, string>(), []);
        Assert.Null(result.Config);
        Assert.Contains(result.Problems, p => p.ToString().Contains("web.auth_reads", StringComparison.Ordinal) && p.ToString().Contains("api_token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stream_sends_the_state_at_once_and_again_when_a_reading_arrives()
    {
        await using var host = await ApiTestHost.StartAsync();
        host.Hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow, input: 231));
        using var resp = await host.Client.GetAsync("/api/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream; charset=utf-8", resp.Content.Headers.ContentType!.ToString());
        using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var first = await NextState(reader, cts.Token);
        Assert.Equal(231, Input(first));
        Assert.Equal("normal", first.GetProperty("policy").GetProperty("state").GetString());

        host.Hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow, input: 198));
        JsonElement next;
        do next = await NextState(reader, cts.Token); while (Input(next) != 198);

        static double Input(JsonElement s) => s.GetProperty("telemetry").GetProperty("devices")[0].GetProperty("values").GetProperty("input.voltage").GetProperty("value").GetDouble();
    }

    [Fact]
    public async Task An_open_stream_does_not_hold_up_shutdown()
    {
        var host = await ApiTestHost.StartAsync();
        // Its own client: disposing the host's client would abort the request and end the stream from our side.
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var resp = await client.GetAsync("/api/stream", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync());
        await NextState(reader, new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await host.DisposeAsync();
        // Without ending on ApplicationStopping, Kestrel would wait for the stream until its shutdown timeout (30 s
        // here): anything clearly below it is the stream ending at once (generous, the machine is shared).
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(25), $"stop took {stopwatch.Elapsed}");
        resp.Dispose();
    }

    private static async Task<JsonElement> NextState(StreamReader reader, CancellationToken ct)
    {
        string? ev = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) ev = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Assert.Equal("state", ev);
                return JsonDocument.Parse(line[6..]).RootElement.Clone();
            }
        }
        throw new EndOfStreamException();
    }
}
