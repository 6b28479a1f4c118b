using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.Readings;
using Gateway.Tests.HomeAssistant;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Hosting;

/// <summary>The watchdog rule: fed only while the policy loop, each driver loop, the NUT accept loop and a running sequence are alive.</summary>
public sealed class LoopLivenessTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly LoopMonitor _loops;
    private readonly ReadingHub _hub;

    public LoopLivenessTests()
    {
        _loops = new LoopMonitor(_time);
        _hub = new ReadingHub(_time, NullLogger<ReadingHub>.Instance);
        _hub.Register("ups", "must", DeviceKind.Ups);
    }

    private DeviceRunner Runner(IDeviceDriver driver)
    {
        _loops.Register("driver:" + driver.DeviceId, DeviceRunner.DriverSilenceLimit);
        return new DeviceRunner([driver], _hub, _loops, _time, NullLogger<DeviceRunner>.Instance);
    }

    [Fact]
    public void A_connected_driver_that_stops_making_requests_is_hung_after_the_limit()
    {
        var driver = new FakeDeviceDriver("ups", DeviceKind.Ups);
        var runner = Runner(driver);
        _hub.ReportLinkState("ups", LinkState.Connected);
        for (var s = 0; s < 60; s++)
        {
            driver.Counters.CountRequest();
            runner.CheckDrivers();
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Empty(_loops.Hung());

        // The poll loop hangs: no request for longer than the limit (the hub ages the device to Stale meanwhile).
        _hub.ReportLinkState("ups", LinkState.Stale);
        for (var s = 0; s <= DeviceRunner.DriverSilenceLimit.TotalSeconds; s++)
        {
            runner.CheckDrivers();
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(["driver:ups"], _loops.Hung());

        driver.Counters.CountRequest();
        runner.CheckDrivers();
        Assert.Empty(_loops.Hung());
    }

    [Fact]
    public void A_device_polled_every_ten_minutes_gets_three_polls_and_a_minute()
    {
        var config = TestConfig.Load("devices:\n  - id: ups\n    type: must\n    port: /dev/null\n    poll_interval: 10m\n  - id: grid\n    type: em340\n    port: /dev/null\n");
        var runner = new DeviceRunner([], _hub, _loops, _time, NullLogger<DeviceRunner>.Instance, config);
        Assert.Equal(TimeSpan.FromMinutes(31), runner.SilenceLimitOf("ups"));
        Assert.Equal(DeviceRunner.DriverSilenceLimit, runner.SilenceLimitOf("grid"));
    }

    [Fact]
    public void A_driver_waiting_for_a_lost_device_is_alive()
    {
        var driver = new FakeDeviceDriver("ups", DeviceKind.Ups);
        var runner = Runner(driver);
        _hub.ReportLinkState("ups", LinkState.Lost, "unplugged");
        for (var s = 0; s < 600; s += 5)
        {
            runner.CheckDrivers();
            _time.Advance(TimeSpan.FromSeconds(5));
        }
        Assert.Empty(_loops.Hung());
    }

    [Fact]
    public void A_stopped_condition_loop_is_hung_and_a_throwing_one_too()
    {
        var accepting = true;
        _loops.Watch("nut-server", () => accepting);
        _loops.Watch("broken", () => throw new InvalidOperationException("bug"));
        Assert.Equal(["broken"], _loops.Hung());
        accepting = false;
        Assert.Equal(["broken", "nut-server"], _loops.Hung());
    }

    [Fact]
    public void The_sequence_is_watched_only_while_it_runs()
    {
        var watch = new ShutdownSequenceWatch(new EventBus(NullLogger<EventBus>.Instance), _loops);
        var at = _time.GetUtcNow();
        watch.Observe(new GatewayEvent(at, EventKinds.ShutdownStarted, EventSeverity.Critical, "started"));
        _time.Advance(ShutdownSequenceWatch.StepSilenceLimit - TimeSpan.FromSeconds(1));
        watch.Observe(new GatewayEvent(at, EventKinds.ShutdownStep, EventSeverity.Critical, "step"));
        _time.Advance(ShutdownSequenceWatch.StepSilenceLimit - TimeSpan.FromSeconds(1));
        Assert.Empty(_loops.Hung());

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([ShutdownSequenceWatch.LoopName], _loops.Hung());

        watch.Observe(new GatewayEvent(at, EventKinds.ShutdownFinished, EventSeverity.Critical, "done"));
        Assert.Empty(_loops.Hung());
        watch.Dispose();
    }

    [Fact]
    public void Health_names_the_hung_loop()
    {
        _loops.Register("policy", TimeSpan.FromSeconds(30));
        _loops.Register("reading-freshness", TimeSpan.FromSeconds(30));
        var health = new LoopHealth(_loops);
        Assert.True(health.Check().Healthy);
        _time.Advance(TimeSpan.FromSeconds(31));
        _loops.Beat("reading-freshness");
        var c = health.Check();
        Assert.False(c.Healthy);
        Assert.Equal("hung", c.State);
        Assert.StartsWith("not making progress: policy;", c.Detail);
    }

    [Fact]
    public async Task The_real_host_watches_the_policy_every_driver_and_the_nut_server()
    {
        using var dir = new TempDir();
        var config = TestConfig.Load($"""
            gateway:
              data_dir: {dir.Path}
            devices:
              - id: ups
                type: must
                port: {dir.Path}/no-such-tty
            nut_server:
              listen: ["127.0.0.1:{FreePort.Next()}"]
            web:
              enabled: false
            mqtt:
              enabled: false
            gpio:
              enabled: false
            """);
        using var host = GatewayHost.Build(config, new RunOptions(false), TimeProvider.System);
        await host.StartAsync();
        try
        {
            var loops = (LoopMonitor)host.Services.GetService(typeof(LoopMonitor))!;
            await Wait.UntilAsync(() => loops.Loops.Contains("reading-freshness"), "the loops to register");
            Assert.Equal(["driver:ups", "nut-server", "policy", "reading-freshness"], loops.Loops);
            Assert.Empty(loops.Hung());
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
