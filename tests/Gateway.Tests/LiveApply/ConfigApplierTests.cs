using Gateway.Configuration;
using Gateway.LiveApply;
using Gateway.Tests.Support;

namespace Gateway.Tests.LiveApply;

/// <summary>The applier: every target told once per change, a part that fails is reported as needing a restart, nothing for an unchanged file.</summary>
public sealed class ConfigApplierTests
{
    private sealed class RecordingTarget(string section, bool fail = false) : ILiveConfigTarget
    {
        public string Section => section;
        public List<ConfigChange> Seen { get; } = [];

        public Task ApplyAsync(ConfigChange change, GatewayConfig next, CancellationToken ct)
        {
            Seen.Add(change);
            if (fail) throw new InvalidOperationException("the bus is busy");
            return Task.CompletedTask;
        }
    }

    private static readonly string Yaml = """
        devices:
          - { id: ups, type: nut, ups: a }
        web: { listen: "http://127.0.0.1:8080" }
        policy: { low_battery_percent: 20 }
        """;

    [Fact]
    public async Task A_change_reaches_every_target_and_the_result_says_what_applied_and_what_waits_for_a_restart()
    {
        var boot = TestConfig.Load(Yaml);
        var live = new LiveConfig(boot);
        var restart = new SelfRestart(new FakeLifetime(), new SettablePolicyStatus(), TimeProvider.System, new ListLogger<SelfRestart>(), underSystemd: false);
        var status = new ConfigStatus(live, restart, TimeProvider.System);
        var ok = new RecordingTarget("policy");
        var broken = new RecordingTarget("devices", fail: true);
        var applier = new ConfigApplier(live, [broken, ok], restart, status, new ListLogger<ConfigApplier>());

        var unchanged = await applier.ApplyAsync(TestConfig.Load(Yaml), CancellationToken.None);
        Assert.Empty(unchanged.Applied);
        Assert.Empty(unchanged.NeedsRestart);
        Assert.Empty(ok.Seen);
        Assert.Equal(0, live.Version);

        var next = TestConfig.Load(Yaml.Replace("20", "30", StringComparison.Ordinal).Replace("8080", "8081", StringComparison.Ordinal).Replace("ups: a", "ups: b", StringComparison.Ordinal));
        var result = await applier.ApplyAsync(next, CancellationToken.None);
        Assert.Equal(["policy"], result.Applied);
        Assert.Contains(result.NeedsRestart, r => r.StartsWith("web.listen: ", StringComparison.Ordinal));
        Assert.Contains("devices: could not be applied live (the bus is busy); it takes effect when the gateway restarts", result.NeedsRestart);
        Assert.True(result.RestartNeeded);
        Assert.Single(ok.Seen);
        Assert.Same(next, live.Current);
        Assert.Equal(1, live.Version);
        Assert.Equal(result.NeedsRestart, restart.Pending);
        Assert.Equal("restart_pending", status.Check().State);
    }
}
