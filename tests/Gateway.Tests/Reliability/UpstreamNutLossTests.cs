using Gateway.Tests.Support;
using System.Diagnostics;
using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Tests.Nut;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Gateway.Tests.Reliability;

/// <summary>
/// Upstream NUT loss (issue 9, reliability 3): the whole gateway (real PolicyRunner, dry-run shutdown with every
/// step off) reads a real upsd + dummy-ups. The driver behind upsd stops (DRIVER-NOT-CONNECTED): the device goes
/// Stale; on battery the failsafe trigger <c>link_lost</c> fires after <c>stale_tolerance</c> polls, on line
/// power nothing fires. upsd itself is then stopped and started with the driver restarted: the device recovers
/// without restarting the gateway.
/// </summary>
[Collection(ReliabilityCollection.Name)]
[Trait("Category", "Reliability")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class UpstreamNutLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Device = "rack";
    private const int StaleTolerance = 3;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);   // upsd restarts and the NUT backoff (up to 30 s) on a loaded machine

    private readonly string _dataDir = Directory.CreateTempSubdirectory("gw-rel-nut-").FullName;
    private RealUpsd _upsd = null!;
    private IHost _host = null!;
    private ReadingHub _hub = null!;
    private EventBus _events = null!;
    private PolicyRunner _policy = null!;

    public async Task InitializeAsync()
    {
        _upsd = await RealUpsd.StartAsync();
        var yaml = $"""
            gateway:
              data_dir: {_dataDir}
            devices:
              - id: {Device}
                type: nut
                host: 127.0.0.1
                port: {_upsd.Port}
                ups: {RealUpsd.UpsName}
                poll_interval: {PollInterval.TotalMilliseconds}ms
                timeout: 5s
            policy:
              protect: {Device}
              on_battery_delay: 1s
              stale_tolerance: {StaleTolerance}
              link_lost_after: 1s      # the polls decide here, not the serial-backoff floor
            shutdown:
              dry_run: true
              sync: false
              nut_fsd: {"{"} enabled: false {"}"}
              local: {"{"} enabled: false {"}"}
            nut_server:
              enabled: false
            history:
              enabled: false
            web:
              enabled: false
            """;
        var loadedConfig = TestConfig.Load(yaml);
        _host = GatewayHost.Build(loadedConfig, new RunOptions(false), TimeProvider.System);
        _hub = _host.Services.GetRequiredService<ReadingHub>();
        _events = _host.Services.GetRequiredService<EventBus>();
        _policy = _host.Services.GetRequiredService<PolicyRunner>();
        await _host.StartAsync();
        await Until(() => Link == LinkState.Connected && Status is { } s && s.Contains("OL", StringComparison.Ordinal), "the gateway to read the UPS on line power");
    }

    public async Task DisposeAsync()
    {
        try { await _host.StopAsync(TimeSpan.FromSeconds(10)); } catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
        _host.Dispose();
        await _upsd.DisposeAsync();
        for (var i = 0; i < 50 && Directory.Exists(_dataDir); i++)
        {
            try { Directory.Delete(_dataDir, true); }
            catch (IOException) { await Task.Delay(20); }
        }
    }

    private LinkState? Link => _hub.Get(Device)?.Link;
    private string? Status => (_hub.Get(Device)?.Latest as UpsReading)?.Status.ToString();
    private List<GatewayEvent> Triggers => _events.Recent().Where(e => e.Kind == EventKinds.TriggerFired).ToList();
    private static Task Until(Func<bool> condition, string what) => NutProcess.WaitUntilAsync(condition, what, Wait);

    [Fact]
    public async Task Driver_lost_on_battery_goes_stale_fires_link_lost_and_recovers_without_restart()
    {
        await _upsd.SetAsync("ups.status", "OB DISCHRG");
        await Until(() => _policy.Current.State == PolicyState.OnBattery, "the policy to see the outage");
        Assert.Empty(Triggers);

        var clock = Stopwatch.StartNew();
        await _upsd.StopDriverAsync();
        await Until(() => Link == LinkState.Stale, "the device to go Stale");
        var toStale = clock.Elapsed;
        await Until(() => Triggers.Count > 0, "the failsafe trigger");
        var toTrigger = clock.Elapsed;
        var fired = Triggers.Single();
        Assert.Equal("link_lost", fired.Data!["trigger"]);
        Assert.Equal("true", fired.Data["dry_run"]);
        Assert.Contains("[DRY-RUN]", fired.Message);
        // The policy's last decision may already be the (dry-run) sequence passing its point of no return.
        Assert.Contains("Shutdown trigger link_lost", fired.Message);
        Assert.True(_policy.Current.State is PolicyState.ShutdownPending or PolicyState.ShuttingDown, $"policy state {_policy.Current.State}");
        // Still no data (Stale, or Lost if a slow answer timed out meanwhile).
        Assert.NotEqual(LinkState.Connected, Link);
        // Not before the tolerance: stale_tolerance polls without data counted from the last fresh reading.
        Assert.True(toTrigger >= PollInterval * StaleTolerance - PollInterval, $"fired after {toTrigger.TotalSeconds:0.00} s");
        output.WriteLine($"on battery: driver stopped → Stale {toStale.TotalSeconds:0.00} s, → link_lost {toTrigger.TotalSeconds:0.00} s (poll {PollInterval.TotalSeconds} s × stale_tolerance {StaleTolerance})");

        var recovery = await RestartUpstreamAsync();
        output.WriteLine($"upsd stopped and started, driver restarted: Connected {recovery.TotalSeconds:0.00} s after upsd stopped");
        // dummy-ups reloads its data file, so the UPS is back on line power and the (dry-run) outage ends.
        await Until(() => _policy.Current.State == PolicyState.Normal, "the policy back to normal");
        Assert.Single(Triggers);
    }

    [Fact]
    public async Task Driver_lost_on_line_power_goes_stale_without_a_trigger_and_recovers_without_restart()
    {
        var clock = Stopwatch.StartNew();
        await _upsd.StopDriverAsync();
        await Until(() => Link == LinkState.Stale, "the device to go Stale");
        var toStale = clock.Elapsed;
        // Stay Stale for twice the tolerance window plus policy ticks: the failsafe is for a UPS on battery only.
        var quiet = PollInterval * StaleTolerance * 2 + PolicyRunner.TickInterval * 2;
        await Task.Delay(quiet);
        Assert.NotEqual(LinkState.Connected, Link);
        Assert.Empty(Triggers);
        Assert.Equal(PolicyState.Normal, _policy.Current.State);
        output.WriteLine($"on line power: driver stopped → Stale {toStale.TotalSeconds:0.00} s; no trigger in {quiet.TotalSeconds:0.0} s of staleness");

        var recovery = await RestartUpstreamAsync();
        output.WriteLine($"upsd stopped and started, driver restarted: Connected {recovery.TotalSeconds:0.00} s after upsd stopped");
        Assert.Empty(Triggers);
        Assert.Equal(PolicyState.Normal, _policy.Current.State);
    }

    /// <summary>upsd stops (the device goes Lost), the driver and upsd start again; returns how long until Connected with fresh data.</summary>
    private async Task<TimeSpan> RestartUpstreamAsync()
    {
        var clock = Stopwatch.StartNew();
        await _upsd.StopServerAsync();
        await Until(() => Link == LinkState.Lost, "the device to be Lost while upsd is down");
        await _upsd.StartDriverAsync();
        await _upsd.StartServerAsync();
        var before = _hub.Get(Device)?.Latest?.Timestamp;
        await Until(() => Link == LinkState.Connected && _hub.Get(Device)?.Latest?.Timestamp > before && Status is { } s && s.Contains("OL", StringComparison.Ordinal),
            "the device to recover with fresh on-line data");
        return clock.Elapsed;
    }
}
