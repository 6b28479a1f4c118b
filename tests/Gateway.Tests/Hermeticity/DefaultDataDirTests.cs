using Gateway.Configuration;

namespace Gateway.Tests.Hermeticity;

/// <summary>A test that forgets to name a data_dir still never reaches the machine's real gateway state.</summary>
public sealed class DefaultDataDirTests
{
    [Fact]
    public void In_the_tests_the_default_data_dir_is_a_directory_of_the_test_run()
    {
        var fromConfig = TestConfig.Load("gateway:\n  name: gw\n").Gateway.DataDir;

        Assert.Equal(HermeticEnvironment.DefaultDataDir, fromConfig);
        Assert.Equal(HermeticEnvironment.DefaultDataDir, GatewayOptions.DefaultDataDir());
        Assert.StartsWith(Path.GetTempPath(), fromConfig, StringComparison.Ordinal);
        Assert.NotEqual("/var/lib/gateway", fromConfig);
    }

    [Fact]
    public void Configuration_from_the_developers_environment_does_not_reach_the_tests()
    {
        var names = Environment.GetEnvironmentVariables().Keys.Cast<string>().ToArray();

        Assert.DoesNotContain("GATEWAY_CONFIG", names);
        Assert.DoesNotContain(names, n => n.StartsWith(ConfigLoader.EnvPrefix, StringComparison.Ordinal) && n.Contains("__", StringComparison.Ordinal));
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task A_gateway_process_without_a_data_dir_keeps_its_state_in_its_own_directory()
    {
        using var dir = new TempDir();
        var port = FreePort.Next();
        await using var gw = GatewayProcess.Start(
            ["run", "--set", $"web.listen=http://127.0.0.1:{port}", "--set", "nut_server.enabled=false"], dir.Path);
        using var response = await gw.WaitForHttpAsync($"http://127.0.0.1:{port}/api/health", TimeSpan.FromSeconds(60));
        gw.Terminate();
        Assert.True(await gw.WaitForExitAsync(TimeSpan.FromSeconds(10)), gw.Output);

        // The history database is the first thing the gateway writes into its data_dir.
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(dir.Path, "state", "gateway")));
    }
}
