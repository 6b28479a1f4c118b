using Gateway.Tests.Support;
using Gateway.Configuration;
using Gateway.Hosting;
using Gateway.HomeAssistant;
using Gateway.DeviceCommands;
using Gateway.LiveApply;
using Gateway.Policy;
using Gateway.Readings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.HomeAssistant;

public sealed class HomeAssistantRegistrationTests
{
    private static GatewayConfig Load(string mqtt) =>
        TestConfig.Load($"gateway:\n  name: gw\n  data_dir: /tmp/x\n{mqtt}");

    [Fact]
    public void Without_a_host_mqtt_is_disabled_and_says_so_in_health()
    {
        var services = new ServiceCollection();
        var config = Load("");
        services.AddSingleton(new LiveConfig(config)).AddLogging();
        services.AddHomeAssistant(config, new RunOptions());
        using var sp = services.BuildServiceProvider();
        sp.GetRequiredKeyedService<RebuiltService>(HomeAssistantServiceCollectionExtensions.LiveKey).StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        var health = Assert.Single(sp.GetServices<IHealthContributor>());
        Assert.Equal(("mqtt", "disabled"), (health.Name, health.Check().State));
    }

    [Fact]
    public void The_built_in_broker_defaults_on_in_simulate_mode_only_without_a_host()
    {
        Assert.True(HomeAssistantServiceCollectionExtensions.EmbeddedBrokerEnabled(Load("").Mqtt, new RunOptions(Simulate: true)));
        Assert.False(HomeAssistantServiceCollectionExtensions.EmbeddedBrokerEnabled(Load("").Mqtt, new RunOptions(Simulate: false)));
        Assert.False(HomeAssistantServiceCollectionExtensions.EmbeddedBrokerEnabled(Load("mqtt:\n  host: 127.0.0.1\n").Mqtt, new RunOptions(Simulate: true)));
        Assert.True(HomeAssistantServiceCollectionExtensions.EmbeddedBrokerEnabled(Load("mqtt:\n  embedded_broker: true\n").Mqtt, new RunOptions()));
    }

    [Fact]
    public async Task With_a_host_the_session_is_the_mqtt_health_entry()
    {
        var services = new ServiceCollection();
        var config = Load("mqtt:\n  host: 127.0.0.1\n");
        services.AddSingleton(new LiveConfig(config));
        services.AddHomeAssistant(config, new RunOptions());
        services.AddSingleton(TimeProvider.System).AddLogging().AddSingleton(new ReadingHub(TimeProvider.System, NullLogger<ReadingHub>.Instance))
            .AddSingleton(new EventBus(NullLogger<EventBus>.Instance)).AddSingleton(new StartInfo(TimeProvider.System))
            .AddSingleton<IPolicyStatusSource, UnprotectedPolicyStatusSource>()
            .AddSingleton(sp => new DeviceCommandGate([], new DeviceDirectory([]), sp.GetRequiredService<ReadingHub>(), new CommandRefusalLog(sp.GetRequiredService<EventBus>(), TimeProvider.System),
                TimeProvider.System, NullLogger<DeviceCommandGate>.Instance));
        using var sp = services.BuildServiceProvider();
        var health = Assert.Single(sp.GetServices<IHealthContributor>());
        // Built when the host starts; until then health says disabled, then it is the session's own state.
        var live = sp.GetRequiredKeyedService<RebuiltService>(HomeAssistantServiceCollectionExtensions.LiveKey);
        Assert.Equal("disabled", health.Check().State);
        await live.StartAsync(CancellationToken.None);
        var bridge = Assert.IsType<HomeAssistantBridge>(live.Current);
        Assert.Equal("mqtt", health.Name);
        Assert.Equal(bridge.Session.Check().State, health.Check().State);
        Assert.Contains(health.Check().State, new[] { "connecting", "reconnecting" });
        await live.StopAsync(CancellationToken.None);
    }
}
