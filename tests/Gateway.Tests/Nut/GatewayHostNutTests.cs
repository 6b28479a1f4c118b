using Gateway.Tests.Support;
using Gateway.Configuration;
using Gateway.Hosting;
using Gateway.NutServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gateway.Tests.Nut;

/// <summary>The whole host: a type: nut device reads a real upsd, and the gateway's NUT server serves it to upsc.</summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class GatewayHostNutTests
{
    [Fact]
    public async Task Gateway_reexports_a_real_upsd_ups_to_upsc_under_its_nut_name()
    {
        await using var upsd = await RealUpsd.StartAsync();
        var port = NutProcess.FreePort();
        var yaml = $"""
            devices:
              - id: rack
                type: nut
                host: 127.0.0.1
                port: {upsd.Port}
                ups: dummy
                nut_name: ups
                poll_interval: 1s
            nut_server:
              listen: ["127.0.0.1:{port}"]
              users:
                - name: monuser
                  password: secret
            web:
              enabled: false
            """;
        var loadedConfig = TestConfig.Load(yaml);
        using var host = GatewayHost.Build(loadedConfig, new RunOptions(false), TimeProvider.System);
        await host.StartAsync();
        try
        {
            await NutProcess.WaitUntilAsync(async () => (await NutProcess.RunAsync("/usr/bin/upsc", [$"ups@127.0.0.1:{port}", "ups.status"])).Stdout.Trim() == "OL CHRG",
                "upsc to read the re-exported UPS");
            var all = await NutProcess.RunAsync("/usr/bin/upsc", [$"ups@127.0.0.1:{port}"]);
            Assert.Contains("battery.charge: 100", all.Stdout);
            Assert.Contains("input.voltage: 230.5", all.Stdout);

            var health = host.Services.GetServices<IHealthContributor>().Single(h => h.Name == "nut_server").Check();
            Assert.Equal("listening", health.State);
            var fsd = host.Services.GetRequiredService<IFsdSignal>();
            fsd.SetFsd("rack", "test");
            Assert.Equal("FSD OL CHRG", (await NutProcess.RunAsync("/usr/bin/upsc", [$"ups@127.0.0.1:{port}", "ups.status"])).Stdout.Trim());
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
