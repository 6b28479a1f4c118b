using Gateway.Drivers.Em340;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Gateway.Tests.Simulation;

/// <summary>The real drivers and master over real in-process ptys, the simulators on the master side.</summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DriverOverPtyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly List<PseudoTerminal> _ptys = [];
    private readonly List<Task> _servers = [];
    private readonly CancellationTokenSource _stop = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var p in _ptys) p.Dispose();
        await Task.WhenAll(_servers.Select(s => s.ContinueWith(_ => { }))).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private string Serve(params IModbusSlaveDevice[] devices)
    {
        var pty = PseudoTerminal.Create();
        _ptys.Add(pty);
        var server = new ModbusSlaveServer(pty.MasterStream(), devices, TimeProvider.System);
        _servers.Add(Task.Run(() => server.RunAsync(_stop.Token)));
        return pty.SlavePath;
    }


    [Fact]
    public async Task Must_driver_reads_the_simulator_follows_an_outage_and_sends_commands()
    {
        var sim = new MustSimulator(TimeProvider.System, seed: 1);
        var port = Serve(sim);
        var driver = new MustDriver(new MustSettings("ups", new SerialSettings(port), PollInterval: TimeSpan.FromMilliseconds(200)), TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, _stop.Token));

        await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>() is not null, Wait, "a MUST reading");
        var online = sink.Latest<UpsReading>()!;
        Assert.True(online.Status.OnLine);
        Assert.Equal("MUST", online.Get("device.mfr"));
        Assert.Equal("enabled", online.Get("ups.beeper.status"));
        Assert.InRange(online.InputVoltage!.Value, 220, 240);
        Assert.Equal(driver.PollInterval * 3, online.MaxAge);
        Assert.Equal(LinkState.Connected, sink.Current);

        sim.LoseMains();
        await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>()!.Status.ToString().StartsWith("OB DISCHRG"), Wait, "OB DISCHRG");
        Assert.Equal("discharging", sink.Latest<UpsReading>()!.Get("battery.charger.status"));

        Assert.Equal(Gateway.Drivers.Devices.DeviceCommandStatus.Ok, (await driver.ExecuteAsync("beeper.disable", CancellationToken.None)).Status);
        Assert.False(sim.BeeperEnabled);
        await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>()!.Get("ups.beeper.status") == "disabled", Wait, "beeper disabled in the reading");
        Assert.Equal(Gateway.Drivers.Devices.DeviceCommandStatus.NotSupported, (await driver.ExecuteAsync("test.battery.start", CancellationToken.None)).Status);

        Assert.Equal(Gateway.Drivers.Devices.DeviceCommandStatus.Ok, (await driver.ExecuteAsync("shutdown.return", CancellationToken.None)).Status);
        await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>()!.Status.Has(UpsStatusFlags.OFF), Wait, "OFF after shutdown.return on battery");

        sim.ForceWorkState(0);
        var published = sink.Readings.Count;
        await RecordingSink.WaitUntil(() => driver.Counters.BadReadings >= 2, Wait, "bad readings counted");
        Assert.InRange(sink.Readings.Count, published, published + 1);
        Assert.Equal(LinkState.Connected, sink.Current);
        Assert.Equal(0, driver.Counters.Timeouts);
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task Em340_driver_reads_the_simulator_and_measures_a_full_refresh()
    {
        var sim = new Em340Simulator(TimeProvider.System, seed: 2);
        var port = Serve(sim);
        // energy_interval 0: both tiers every poll, so every poll is a full refresh.
        var driver = new Em340Driver(new Em340Settings("grid", new SerialSettings(port), PollInterval: TimeSpan.FromMilliseconds(500), EnergyInterval: TimeSpan.Zero),
            TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, _stop.Token));
        await RecordingSink.WaitUntil(() => sink.Readings.Count >= 3, Wait, "three meter readings");
        var r = sink.Latest<MeterReading>()!;
        Assert.Equal("EM340", r.Model);
        Assert.Equal("235411W", r.Serial);
        Assert.Equal("A.3", r.Firmware);
        Assert.True(driver.Identity!.HasDecimalEnergies);
        Assert.Equal('B', driver.Identity.MeasurementMode);
        Assert.InRange(r.L1.Voltage!.Value, 220, 241);
        Assert.Equal(50.0, r.Frequency);
        Assert.True(r.ImportEnergy > 1234);
        Assert.NotNull(r.ExportEnergy);
        Assert.Equal("L1-L2-L3", r.PhaseSequence);

        var requestsBefore = driver.Counters.Requests;
        var readingsBefore = sink.Readings.Count;
        await RecordingSink.WaitUntil(() => sink.Readings.Count >= readingsBefore + 4, Wait, "four more readings");
        var perRefresh = (double)(driver.Counters.Requests - requestsBefore) / (sink.Readings.Count - readingsBefore);
        output.WriteLine($"EM340 full refresh: {perRefresh:0.0} requests, {driver.LastRefreshDuration.TotalMilliseconds:0.0} ms cycle over a pty (no wire time, 40 ms gaps)");
        Assert.InRange(perRefresh, 4, 6.5);
        // Four 40 ms gaps between the five requests (a timer may fire a fraction of a millisecond early); no upper
        // bound: on a loaded machine a cycle takes what it takes (the figure is printed above).
        Assert.True(driver.LastRefreshDuration >= TimeSpan.FromMilliseconds(150), $"a refresh took {driver.LastRefreshDuration.TotalMilliseconds:0} ms: the 40 ms gaps were not kept");
    }

    // What the simulator sees: "R0" is the read at 0x0000. Fast tier: 0x0000, 0x0014, 0x0028; a full refresh adds
    // 0x0040 (per-phase and export counters) and 0x0400 (3-decimal counters); the identity probe starts with 0x000B.
    private static readonly string[] FastTier = ["R0", "R20", "R40"];
    private static readonly string[] FullRefresh = ["R0", "R20", "R40", "R64", "R1024"];
    private static readonly string[] IdentityProbe = ["R11", "R20480", "R770", "R4355", "R1024"];

    private static int Count(IEnumerable<string> requests, string request) => requests.Count(r => r == request);

    /// <summary>The polls after the first identity probe, each one's reads (the last poll may still be under way).</summary>
    private static List<string[]> Polls(string[] requests)
    {
        var polls = new List<string[]>();
        foreach (var r in requests.Skip(IdentityProbe.Length))
        {
            if (r == "R0" || polls.Count == 0) polls.Add([r]);
            else polls[^1] = [.. polls[^1], r];
        }
        return polls;
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task Em340_reads_the_energy_tier_on_the_first_poll_after_every_connect_and_carries_it_in_every_reading()
    {
        var sim = new Em340Simulator(TimeProvider.System, seed: 5);
        var meter = new CountingSlave(sim);
        var port = Serve(meter);
        // An energy interval far longer than the test: only connects may read the slow tier.
        var driver = new Em340Driver(new Em340Settings("grid", new SerialSettings(port, Timeout: TimeSpan.FromSeconds(1)),
            PollInterval: TimeSpan.FromMilliseconds(200), EnergyInterval: TimeSpan.FromHours(1)), TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, _stop.Token));
        await RecordingSink.WaitUntil(() => sink.Readings.Count >= 6, Wait, "six meter readings");

        var requests = meter.Requests.ToArray();
        Assert.Equal([.. IdentityProbe, .. FullRefresh], requests.Take(10));
        var afterFirst = requests.Skip(10).ToArray();
        Assert.True(afterFirst.Length >= 15, $"five more polls: {string.Join(" ", afterFirst)}");
        // Every later poll is the fast tier alone, in order: 0x0000, 0x0014, 0x0028, again and again.
        Assert.Equal(afterFirst.Select((_, k) => FastTier[k % FastTier.Length]), afterFirst);

        // Every reading carries the counters of the one slow read, unchanged; the fast values are read anew.
        var first = sink.Readings.OfType<MeterReading>().ToArray();
        Assert.All(first, r =>
        {
            Assert.Equal(first[0].ImportEnergy, r.ImportEnergy);
            Assert.Equal(first[0].ExportEnergy, r.ExportEnergy);
            Assert.Equal(first[0].L1.ImportEnergy, r.L1.ImportEnergy);
            Assert.Equal(first[0].DemandPower, r.DemandPower);
            Assert.Equal(first[0].ImportReactiveEnergy, r.ImportReactiveEnergy);
            Assert.NotNull(r.L1.Voltage);
            Assert.Equal(50.0, r.Frequency);
        });
        Assert.NotNull(first[0].ImportEnergy);
        Assert.NotNull(first[0].ExportEnergy);
        Assert.NotNull(first[0].L3.ImportEnergy);
        Assert.NotNull(first[0].DemandPower);
        Assert.NotNull(first[0].ExportReactiveEnergy);

        // Lost, then connected again: the identity probe, then at once a full refresh.
        sim.MissRequests(3);
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Lost, Wait, "Lost after three misses");
        var readingsWhileLost = sink.Readings.Count;
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Connected && sink.Readings.Count >= readingsWhileLost + 2, Wait, "readings after the reconnect");
        requests = meter.Requests.ToArray();
        var probe = Array.LastIndexOf(requests, "R11");
        Assert.True(probe > 10, "a second identity probe");
        Assert.Equal([.. IdentityProbe, .. FullRefresh], requests.Skip(probe).Take(10));
        var afterReconnect = requests.Skip(probe + 10).ToArray();
        Assert.Equal(afterReconnect.Select((_, k) => FastTier[k % FastTier.Length]), afterReconnect);
        Assert.Equal(2, Count(requests, "R64"));
        Assert.All(sink.Readings.OfType<MeterReading>().Skip(readingsWhileLost), r => Assert.NotNull(r.ImportEnergy));
        Assert.Equal(1, driver.Counters.Reconnects);
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task Em340_reads_the_energy_tier_again_every_energy_interval_and_every_poll_when_it_is_0()
    {
        var meter = new CountingSlave(new Em340Simulator(TimeProvider.System, seed: 6));
        var port = Serve(meter);
        var driver = new Em340Driver(new Em340Settings("grid", new SerialSettings(port, Timeout: TimeSpan.FromSeconds(1)),
            PollInterval: TimeSpan.FromMilliseconds(200), EnergyInterval: TimeSpan.FromSeconds(2)), TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, _stop.Token));
        // The first poll's slow read, then two more on the energy interval, without a reconnect.
        await RecordingSink.WaitUntil(() => Count(meter.Requests, "R64") >= 3, Wait, "the slow tier read three times");
        Assert.Equal(0, driver.Counters.Reconnects);
        var requests = meter.Requests.ToArray();
        Assert.Equal(1, Count(requests, "R11"));
        // Each poll is the fast tier alone or a whole full refresh (ten polls per slow read at 200 ms, fewer on a
        // loaded machine); the last one may still be under way.
        var polls = Polls(requests);
        Assert.All(polls.SkipLast(1), p => Assert.True(p.SequenceEqual(FastTier) || p.SequenceEqual(FullRefresh), string.Join(" ", p)));
        Assert.True(polls.SkipLast(1).Count(p => p.SequenceEqual(FullRefresh)) >= 2, "two full refreshes before the last poll");
        Assert.True(polls.Count(p => p.SequenceEqual(FastTier)) > 0, $"fast-only polls between slow reads: {string.Join(" ", requests)}");

        var every = new CountingSlave(new Em340Simulator(TimeProvider.System, seed: 7));
        var everyPort = Serve(every);
        var everyPoll = new Em340Driver(new Em340Settings("grid2", new SerialSettings(everyPort, Timeout: TimeSpan.FromSeconds(1)),
            PollInterval: TimeSpan.FromMilliseconds(200), EnergyInterval: TimeSpan.Zero), TimeProvider.System, NullLogger.Instance);
        var everySink = new RecordingSink();
        var everyRun = Task.Run(() => everyPoll.RunAsync(everySink, _stop.Token));
        await RecordingSink.WaitUntil(() => everySink.Readings.Count >= 4, Wait, "four readings with energy_interval 0");
        var everyRequests = every.Requests.ToArray();
        Assert.Equal(IdentityProbe, everyRequests.Take(IdentityProbe.Length));
        Assert.All(Polls(everyRequests).Take(4), p => Assert.Equal(FullRefresh, p));
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task A_meter_that_misses_one_request_is_not_lost_but_three_in_a_row_is()
    {
        var sim = new Em340Simulator(TimeProvider.System, seed: 3);
        var port = Serve(sim);
        // A timeout far above a pty's answer time even on a loaded machine: only the simulator's misses time out.
        var driver = new Em340Driver(new Em340Settings("grid", new SerialSettings(port, Timeout: TimeSpan.FromSeconds(1)), PollInterval: TimeSpan.FromMilliseconds(300)),
            TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, _stop.Token));
        await RecordingSink.WaitUntil(() => sink.Readings.Count >= 1, Wait, "a reading");

        sim.MissRequests(1);
        await RecordingSink.WaitUntil(() => driver.Counters.Timeouts >= 1, Wait, "the missed request");
        var after = sink.Readings.Count;
        await RecordingSink.WaitUntil(() => sink.Readings.Count > after, Wait, "readings again");
        Assert.DoesNotContain(sink.States, s => s.State == LinkState.Lost);

        sim.MissRequests(3);
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Lost, Wait, "Lost after three misses");
        await RecordingSink.WaitUntil(() => sink.Current == LinkState.Connected, Wait, "Connected again after one backoff");
        var lost = sink.States.Last(s => s.State == LinkState.Lost).At;
        var back = sink.States.Last().At;
        // Not before the first backoff (2 s, ±5 % jitter); no upper bound on a shared machine.
        Assert.True(back - lost >= TimeSpan.FromSeconds(1.8), $"back {(back - lost).TotalSeconds:0.00} s after Lost, before the 2 s backoff");
        Assert.Equal(1, driver.Counters.LinkLosses);
        Assert.Equal(1, driver.Counters.Reconnects);
    }

    [Fact]
    public async Task Two_slaves_share_one_port()
    {
        var must = new MustSimulator(TimeProvider.System, seed: 4);
        var meter = new Em340Simulator(TimeProvider.System, seed: 4);
        var port = Serve(must, meter);
        using var transport = PosixSerialPort.Open(new SerialSettings(port));
        var master = new ModbusRtuMaster(transport, ModbusTiming.For(new SerialSettings(port), TimeSpan.FromMilliseconds(40)), TimeProvider.System);
        var both = await Task.WhenAll(
            master.ReadHoldingRegistersAsync(10, MustRegisterMap.MainStart, MustRegisterMap.MainCount, CancellationToken.None),
            master.ReadHoldingRegistersAsync(1, Em340RegisterMap.ModelCode, 1, CancellationToken.None),
            master.ReadHoldingRegistersAsync(10, MustRegisterMap.SlowStart, MustRegisterMap.SlowCount, CancellationToken.None));
        Assert.Equal((ushort)MustWorkState.Line, both[0][2]);
        Assert.Equal([341], both[1]);
        Assert.Equal(230, both[2][1]);
        await Assert.ThrowsAsync<ModbusTimeoutException>(() => master.ReadHoldingRegistersAsync(99, 0, 1, CancellationToken.None));
    }
    [Fact]
    public async Task Measurement_mode_A_is_detected_and_its_values_are_unsigned()
    {
        var sim = new Em340Simulator(TimeProvider.System, seed: 8);
        var port = Serve(sim);
        using (var transport = PosixSerialPort.Open(new SerialSettings(port)))
        {
            var master = new ModbusRtuMaster(transport, ModbusTiming.For(new SerialSettings(port), TimeSpan.FromMilliseconds(40)), TimeProvider.System);
            await master.WriteSingleRegisterAsync(1, Em340RegisterMap.MeasurementMode, 0, CancellationToken.None);
            var refused = await Assert.ThrowsAsync<ModbusSlaveException>(() => master.WriteMultipleRegistersAsync(1, Em340RegisterMap.MeasurementMode, [0], CancellationToken.None));
            Assert.Equal(ModbusExceptionCode.IllegalFunction, refused.Code);   // the EM340 has no FC16
        }
        Assert.Equal('A', sim.Mode);
        var driver = new Em340Driver(new Em340Settings("grid", new SerialSettings(port), PollInterval: TimeSpan.FromMilliseconds(300)), TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        var run = Task.Run(() => driver.RunAsync(sink, _stop.Token));
        await RecordingSink.WaitUntil(() => sink.Readings.Count >= 3, Wait, "mode A readings");
        Assert.Equal('A', driver.Identity!.MeasurementMode);
        foreach (var r in sink.Readings.OfType<MeterReading>())
        {
            Assert.All(new[] { r.L1, r.L2, r.L3 }, p => Assert.True(p.Power >= 0 && p.Current >= 0 && p.PowerFactor >= 0));
            Assert.Equal(sink.Readings.OfType<MeterReading>().First().ExportEnergy, r.ExportEnergy);
        }
    }

}
