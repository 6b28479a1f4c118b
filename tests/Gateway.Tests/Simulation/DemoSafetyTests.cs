using Gateway.Configuration;
using Gateway.Hosting;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Simulation;

public class DemoSafetyTests
{
    [Fact]
    public void DemoModeForcesTheShutdownSequenceToADryRun()
    {
        using var dir = new TempDir();
        var config = ConfigLoader.LoadText($"gateway: {{ data_dir: {dir.Path} }}\nshutdown: {{ dry_run: false }}\nweb: {{ enabled: false }}\nnut_server: {{ enabled: false }}\n",
            "t.yaml", new Dictionary<string, string>(), []).Config!;
        Assert.False(config.Shutdown.DryRun);
        using var host = GatewayHost.Build(config, new RunOptions(Simulate: true));
        Assert.True(host.Services.GetRequiredService<GatewayConfig>().Shutdown.DryRun);

        using var real = GatewayHost.Build(config, new RunOptions(Simulate: false));
        Assert.False(real.Services.GetRequiredService<GatewayConfig>().Shutdown.DryRun);
    }
}
