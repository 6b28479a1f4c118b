using System.Net;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Web;

public sealed class HealthEndpointTests
{
    private sealed class Component(string name, ComponentHealth health) : IHealthContributor
    {
        public string Name { get; } = name;
        public ComponentHealth Health { get; set; } = health;
        public ComponentHealth Check() => Health;
    }

    [Fact]
    public async Task Health_shows_devices_and_components_and_is_503_while_a_device_is_lost()
    {
        var mqtt = new Component("mqtt", new ComponentHealth("connected", true, "broker 127.0.0.1:1883"));
        var nut = new Component("nut_server", new ComponentHealth("listening", true, "127.0.0.1:3493, 2 clients"));
        await using var host = await ApiTestHost.StartAsync(configure: s =>
        {
            s.AddSingleton<IHealthContributor>(mqtt);
            s.AddSingleton<IHealthContributor>(nut);
        });
        host.Hub.Register("ups", "must", DeviceKind.Ups);
        host.Hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow));

        var (resp, json) = await host.GetJson("/api/health");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("ok", json.GetProperty("status").GetString());
        Assert.Equal("connected", json.GetProperty("components").GetProperty("mqtt").GetProperty("state").GetString());
        Assert.Equal("listening", json.GetProperty("components").GetProperty("nut_server").GetProperty("state").GetString());
        Assert.Equal("connected", json.GetProperty("devices")[0].GetProperty("link").GetString());

        mqtt.Health = new ComponentHealth("reconnecting", false, "connection refused");
        (resp, json) = await host.GetJson("/api/health");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("degraded", json.GetProperty("status").GetString());

        host.Hub.ReportLinkState("ups", LinkState.Lost, "serial adapter unplugged");
        (resp, json) = await host.GetJson("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, resp.StatusCode);
        Assert.Equal("down", json.GetProperty("status").GetString());
        Assert.Equal("serial adapter unplugged", json.GetProperty("devices")[0].GetProperty("reason").GetString());

        host.Hub.Publish(TestReadings.Ups("ups", DateTimeOffset.UtcNow));
        (resp, _) = await host.GetJson("/api/health");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
    }
}
