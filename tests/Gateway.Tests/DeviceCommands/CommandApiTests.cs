using System.Net;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Tests.Web;

namespace Gateway.Tests.DeviceCommands;

/// <summary>The API's answers for the gate's refusals: 403 with the key, 409 busy, 429 with Retry-After, 200 already_set.</summary>
public sealed class CommandApiTests
{
    private static readonly string Config = $"""
        devices:
          - id: ups
            type: must
            port: /dev/null
            command_interval: 30s
        web:
          api_token: {ApiTestHost.Token}
        """;

    [Fact]
    public async Task Refusals_have_their_own_status_codes_and_reasons()
    {
        var driver = new GatedDriver("ups", "beeper.enable", "beeper.disable", "shutdown.return", "test.battery.start.quick");
        await using var host = await ApiTestHost.StartAsync(Config, drivers: [driver]);
        var t = ApiTestHost.Token;

        var (resp, json) = await host.Send(HttpMethod.Post, "/api/devices/ups/commands/shutdown.return", t);
        Assert.Equal(HttpStatusCode.Forbidden, resp.StatusCode);
        Assert.Contains("allowed_dangerous_commands of device 'ups'", json.GetProperty("detail").GetString());

        driver.Hold();
        var running = host.Send(HttpMethod.Post, "/api/devices/ups/commands/test.battery.start.quick", t);
        await ApiTestHost.Eventually(() => !driver.Started.IsEmpty, "the first command to start");
        (resp, json) = await host.Send(HttpMethod.Post, "/api/devices/ups/commands/beeper.disable", t);
        Assert.Equal(HttpStatusCode.Conflict, resp.StatusCode);
        Assert.Contains("still carrying out 'test.battery.start.quick'", json.GetProperty("detail").GetString());
        driver.Release();
        Assert.Equal(HttpStatusCode.OK, (await running).Response.StatusCode);

        (resp, json) = await host.Send(HttpMethod.Post, "/api/devices/ups/commands/test.battery.start.quick", t);
        Assert.Equal((HttpStatusCode)429, resp.StatusCode);
        Assert.InRange(int.Parse(resp.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 28, 30);
        Assert.Contains("devices[].command_interval", json.GetProperty("detail").GetString());

        host.Hub.Register("ups", "must", DeviceKind.Ups);
        host.Hub.ReportLinkState("ups", LinkState.Connected);
        host.Hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow, extra: new() { [NutNames.UpsBeeperStatus] = "disabled" }));
        (resp, json) = await host.Send(HttpMethod.Post, "/api/devices/ups/commands/beeper.disable", t);
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("already_set", json.GetProperty("status").GetString());
        Assert.Equal(["test.battery.start.quick"], driver.Started);
    }
}
