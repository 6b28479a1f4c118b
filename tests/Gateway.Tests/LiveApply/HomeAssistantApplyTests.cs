using Gateway.Configuration;
using Gateway.Hosting;
using Gateway.HomeAssistant;
using Gateway.LiveApply;
using Gateway.Tests.HomeAssistant;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gateway.Tests.LiveApply;

/// <summary>
/// The whole host (no web) talking to a real mosquitto: a device list applied live clears the discovery of the
/// removed device and announces the new one; a new broker login reconnects the session.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HomeAssistantApplyTests : IAsyncDisposable
{
    private readonly TempDir _dir = new("gw-ha-apply");
    private readonly int _upstreamNut = FreePort.Next();
    private readonly int _nutServer = FreePort.Next();

    public ValueTask DisposeAsync()
    {
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }

    private GatewayConfig Config(int port, string ups, string password = MosquittoBroker.Password) => TestConfig.Load($$"""
        gateway: { name: hagw, data_dir: {{_dir.Path}} }
        devices:
          - { id: {{ups}}, type: nut, ups: dummy, host: 127.0.0.1, port: {{_upstreamNut}} }
        mqtt: { host: 127.0.0.1, port: {{port}}, username: {{MosquittoBroker.User}}, password: {{password}} }
        nut_server: { listen: ["127.0.0.1:{{_nutServer}}"] }
        web: { enabled: false }
        gpio: { enabled: false }
        history: { enabled: false }
        """);

    [Fact]
    public async Task A_device_list_applied_live_clears_the_removed_device_in_home_assistant_and_announces_the_new_one()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var obs = await MqttObserver.ConnectAsync(broker.Port, "homeassistant/#");
        using var host = GatewayHost.Build(Config(broker.Port, "ups1"), new RunOptions());
        await host.StartAsync();
        try
        {
            const string oldTopic = "homeassistant/sensor/hagw_ups1/status/config";
            const string newTopic = "homeassistant/sensor/hagw_ups2/status/config";
            await Wait.UntilAsync(() => obs.Latest.ContainsKey(oldTopic), "ups1 announced");
            var mqtt = host.Services.GetRequiredKeyedService<RebuiltService>(HomeAssistantServiceCollectionExtensions.LiveKey);
            var first = mqtt.Current;

            var result = await host.Services.GetRequiredService<IConfigApplier>().ApplyAsync(Config(broker.Port, "ups2"), CancellationToken.None);
            Assert.Contains("devices", result.Applied);
            // The only UPS is the protected one: another UPS is protected only after a restart (not started here: no systemd).
            Assert.StartsWith("policy.protect: the policy keeps protecting 'ups1' until the gateway restarts", Assert.Single(result.NeedsRestart));
            Assert.NotSame(first, mqtt.Current);
            await Wait.UntilAsync(() => obs.Latest.ContainsKey(newTopic), "ups2 announced");
            await Wait.UntilAsync(() => !obs.Latest.ContainsKey(oldTopic), "ups1's config cleared");
            Assert.Contains(obs.All, m => m.Topic == oldTopic && m.Payload.Length == 0 && m.Retain);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_wrong_broker_password_fixed_live_connects_without_a_restart()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var host = GatewayHost.Build(Config(broker.Port, "ups1", password: "wrong"), new RunOptions());
        await host.StartAsync();
        try
        {
            var health = host.Services.GetServices<IHealthContributor>().Single(c => c.Name == "mqtt");
            await Wait.UntilAsync(() => health.Check().State == "reconnecting", "the refused login");
            var result = await host.Services.GetRequiredService<IConfigApplier>().ApplyAsync(Config(broker.Port, "ups1"), CancellationToken.None);
            Assert.Equal(["mqtt"], result.Applied);
            await Wait.UntilAsync(() => health.Check().State == "connected", "connected with the new password");
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
