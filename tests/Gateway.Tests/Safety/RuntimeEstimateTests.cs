using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Simulation;
using Gateway.Readings;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gateway.Tests.Safety;

/// <summary>
/// The runtime estimate for a UPS without a runtime register, against the MUST simulator's battery physics (Peukert
/// discharge with a wandering load): the calibration before the outage, the measured depletion after.
/// </summary>
public sealed class RuntimeEstimateTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Epoch = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Runs the simulator 60 s on line, then <paramref name="onBattery"/> on battery; returns (estimate, truth) at the end.</summary>
    private (double Estimate, double Truth, UpsReading Last) Run(SimulatedBattery battery, TimeSpan onBattery, int seed)
    {
        var time = new FakeTimeProvider(Epoch);
        var sim = new MustSimulator(time, seed: seed, battery: battery);
        var hub = new ReadingHub(time, NullLogger<ReadingHub>.Instance, new RuntimeEstimator([("ups", RuntimeCalibration.MustEp20Default)]));
        hub.Register("ups", "must", DeviceKind.Ups);
        UpsReading? last = null;
        void Poll()
        {
            time.Advance(TimeSpan.FromSeconds(1));
            var r = MustReadingDecoder.Decode("ups", time.GetUtcNow(), TimeSpan.FromSeconds(5), sim.MainBlock(), [], 15, out var problem);
            Assert.True(r is not null, problem);
            hub.Publish(r);
            last = (UpsReading)hub.Get("ups")!.Latest!;
        }
        for (var i = 0; i < 60; i++) Poll();
        var online = last!.BatteryRuntimeSeconds!.Value;
        output.WriteLine($"on line: estimate {online:0} s, truth {sim.TrueRuntimeSeconds:0} s at {last.Load}% load");
        sim.LoseMains();
        for (var i = 0; i < onBattery.TotalSeconds; i++) Poll();
        var estimate = last!.BatteryRuntimeSeconds!.Value;
        var truth = sim.TrueRuntimeSeconds;
        output.WriteLine($"after {onBattery.TotalSeconds:0} s on battery: estimate {estimate:0} s, truth {truth:0} s ({(estimate / truth - 1) * 100:+0.0;-0.0} %), charge {last.BatteryCharge}%, load {last.Load}%");
        return (estimate, truth, last);
    }

    [Theory]
    [InlineData(1.0, 1)]    // a new battery, as calibrated
    [InlineData(0.6, 2)]    // an aged battery: 60 % of its nominal capacity
    [InlineData(1.4, 3)]    // a bigger battery than the calibration assumes
    public void After_two_minutes_on_battery_the_estimate_is_within_20_percent_of_the_true_runtime(double capacity, int seed)
    {
        var (estimate, truth, last) = Run(new SimulatedBattery(capacityFactor: capacity), TimeSpan.FromMinutes(2), seed);
        Assert.InRange(estimate / truth, 0.8, 1.2);
        Assert.True(RuntimeEstimator.IsEstimate(last));
        Assert.Equal(RuntimeCalibration.MustEp20Default.ToString(), last.Get(RuntimeEstimator.MarkerVariable));
    }

    [Fact]
    public void Before_the_outage_an_aged_battery_is_overestimated_by_the_calibration_and_the_outage_corrects_it()
    {
        var (early, truth0, _) = Run(new SimulatedBattery(capacityFactor: 0.6), TimeSpan.FromSeconds(5), 4);
        Assert.True(early / truth0 > 1.4, $"the calibration alone should overestimate an aged battery: {early:0} vs {truth0:0}");
        var (late, truth, _) = Run(new SimulatedBattery(capacityFactor: 0.6), TimeSpan.FromMinutes(3), 4);
        Assert.InRange(late / truth, 0.85, 1.15);
    }

    [Fact]
    public void A_ups_that_reports_its_runtime_keeps_it_and_gets_no_marker()
    {
        var time = new FakeTimeProvider(Epoch);
        var hub = new ReadingHub(time, NullLogger<ReadingHub>.Instance, new RuntimeEstimator([("ups", RuntimeCalibration.MustEp20Default)]));
        var vars = new Dictionary<string, string> { [NutNames.BatteryCharge] = "80", [NutNames.UpsLoad] = "30", [NutNames.BatteryRuntime] = "1234" };
        hub.Publish(new UpsReading("ups", time.GetUtcNow(), TimeSpan.FromSeconds(5), UpsStatus.Parse("OL"), vars));
        var r = (UpsReading)hub.Get("ups")!.Latest!;
        Assert.Equal(1234, r.BatteryRuntimeSeconds);
        Assert.False(RuntimeEstimator.IsEstimate(r));

        // Runtime 0 from a driver means "unknown": the estimate replaces it.
        hub.Publish(new UpsReading("ups", time.GetUtcNow(), TimeSpan.FromSeconds(5), UpsStatus.Parse("OL"), new Dictionary<string, string>(vars) { [NutNames.BatteryRuntime] = "0" }));
        r = (UpsReading)hub.Get("ups")!.Latest!;
        Assert.True(RuntimeEstimator.IsEstimate(r));
        // 80 % of 430 s at 100 % load, at 30 % load: 0.8 × 430 / 0.3^1.32 ≈ 1684 s.
        Assert.InRange(r.BatteryRuntimeSeconds!.Value, 1650, 1720);
    }

    [Fact]
    public void Runtimecal_follows_nutdrv_qx_and_explains_bad_values()
    {
        var c = RuntimeCalibration.Parse("240,100,720,50", out var error)!;
        Assert.Null(error);
        Assert.Equal(Math.Log(3) / Math.Log(2), c.Exponent, 9);   // nutdrv_qx: log(rl / rh) / log(lh / ll)
        Assert.Equal(240, c.NominalSeconds, 9);                    // rh × (lh / 100)^exp
        Assert.Equal(720, c.RuntimeSeconds(100, 50), 6);
        Assert.Equal(360, c.RuntimeSeconds(50, 50), 6);
        Assert.Equal(2400, c.RuntimeSeconds(100, 0), 6);            // idle load: 0.1 effective
        Assert.Null(RuntimeCalibration.Parse("240,100,720", out error));
        Assert.Contains("four numbers", error);
        Assert.Null(RuntimeCalibration.Parse("720,100,240,50", out error));
        Assert.Contains("longer", error);
        Assert.Null(RuntimeCalibration.Parse("240,150,720,50", out error));
        Assert.Contains("load_low < load_high <= 100", error);
    }

    [Fact]
    public void Runtimecal_defaults_to_the_must_calibration_and_is_off_for_nut_devices_unless_set()
    {
        var config = TestConfig.Load("""
            devices:
              - { id: ups, type: must, port: /dev/null }
              - { id: nas, type: nut, ups: ups }
              - { id: eaton, type: nut, ups: eaton, runtimecal: "300,100,900,50" }
              - { id: off, type: must, port: /dev/zero, runtimecal: "off" }
            """);
        Assert.Equal(RuntimeCalibration.MustEp20Default, ((MustDeviceOptions)config.Devices[0]).RuntimeCal);
        Assert.Null(((NutDeviceOptions)config.Devices[1]).RuntimeCal);
        Assert.Equal("300,100,900,50", ((NutDeviceOptions)config.Devices[2]).RuntimeCal!.ToString());
        Assert.Null(((MustDeviceOptions)config.Devices[3]).RuntimeCal);
        var estimator = RuntimeEstimator.FromConfig(config);
        Assert.NotNull(estimator.ModelOf("ups"));
        Assert.Null(estimator.ModelOf("nas"));
        Assert.NotNull(estimator.ModelOf("eaton"));

        var bad = ConfigLoader.LoadText("devices:\n  - { id: ups, type: must, port: /dev/null, runtimecal: \"1,2\" }\n", "test.yaml", new Dictionary<string, string>(), []);
        Assert.Null(bad.Config);
        Assert.Contains(bad.Problems, p => p.ToString().Contains("runtimecal") && p.ToString().Contains("four numbers"));
    }
}
