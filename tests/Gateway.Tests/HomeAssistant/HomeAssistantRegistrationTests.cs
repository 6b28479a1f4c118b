using Gateway.Tests.Support;
using Gateway.Configuration;
using Gateway.Hosting;
using Gateway.HomeAssistant;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.HomeAssistant;

public sealed class HomeAssistantRegistrationTests
{
    private static GatewayConfig Load(string mqtt) =>
        TestConfig.Load($"gateway:\n  name: gw\n  data_dir: /tmp/x\n{mqtt}");

    [Fact]
    public void Without_a_host_mqtt_is_disabled_and_says_so_in_health()
    {
        var services = new ServiceCollection();
        services.AddHomeAssistant(Load(""), new RunOptions());
        using var sp = services.BuildServiceProvider();
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
    public void With_a_host_the_session_is_the_mqtt_health_entry()
    {
        var services = new ServiceCollection();
        services.AddHomeAssistant(Load("mqtt:\n  host: 127.0.0.1\n"), new RunOptions());
        using var sp = services.AddSingleton(TimeProvider.System).AddLogging().BuildServiceProvider();
        var health = Assert.Single(sp.GetServices<IHealthContributor>());
        Assert.IsType<MqttSession>(health);
        Assert.Equal("connecting", health.Check().State);
    }
}
