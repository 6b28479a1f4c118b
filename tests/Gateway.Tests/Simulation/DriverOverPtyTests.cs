using Gateway.Drivers.Devices;
using Gateway.Drivers.Em340;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Gateway.Readings;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
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
        var driver = new Em340Driver(new Em340Settings("grid", new SerialSettings(port), PollInterval: TimeSpan.FromMilliseconds(500)), TimeProvider.System, NullLogger.Instance);
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

    private static int Readings(HubSubscription sub)
    {
        var n = 0;
        while (sub.Reader.TryRead(out var e)) if (e is ReadingPublished) n++;
        return n;
    }

    /// <summary>A poll whose replies equal those behind the last published reading confirms it in the hub and fans nothing out.</summary>
    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task An_unchanged_MUST_poll_confirms_the_reading_and_a_power_cut_is_still_published()
    {
        // The simulator's clock never moves, so its registers stay the same until the test changes them.
        var frozen = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var sim = new MustSimulator(frozen, seed: 1);
        var driver = new MustDriver(new MustSettings("ups", new SerialSettings(Serve(sim)), PollInterval: TimeSpan.FromMilliseconds(200)),
            TimeProvider.System, NullLogger.Instance);
        var hub = new ReadingHub(TimeProvider.System, NullLogger<ReadingHub>.Instance);
        hub.Register("ups", "must", DeviceKind.Ups);
        using var sub = hub.Subscribe("test");
        var run = Task.Run(() => driver.RunAsync(hub, _stop.Token));

        await RecordingSink.WaitUntil(() => hub.Get("ups")?.Latest is not null, Wait, "the first MUST reading");
        var first = hub.Get("ups")!.Latest!;
        var requests = driver.Counters.Requests;
        // Several more polls (200 ms apart, a status read between): the same reading, seen later each time.
        await RecordingSink.WaitUntil(() => driver.Counters.Requests >= requests + 6 && first.LastSeen > first.Timestamp, Wait, "polls that confirm the reading");
        Assert.Same(first, hub.Get("ups")!.Latest);
        Assert.Equal(LinkState.Connected, hub.Get("ups")!.Link);
        Assert.True(first.IsFresh(TimeProvider.System.GetUtcNow()));
        Assert.Equal(1, Readings(sub));

        sim.LoseMains();
        await RecordingSink.WaitUntil(() => hub.Get("ups")!.Latest is UpsReading { Status.OnBattery: true }, Wait, "the power cut as a new reading");
        Assert.NotSame(first, hub.Get("ups")!.Latest);
        Assert.True(Readings(sub) >= 1);
        await _stop.CancelAsync();
        await run.WaitAsync(Wait);
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task An_unchanged_EM340_refresh_confirms_the_reading_and_a_changed_one_is_published()
    {
        var frozen = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var sim = new Em340Simulator(frozen, seed: 2);
        var driver = new Em340Driver(new Em340Settings("grid", new SerialSettings(Serve(sim)), PollInterval: TimeSpan.FromMilliseconds(300)),
            TimeProvider.System, NullLogger.Instance);
        var hub = new ReadingHub(TimeProvider.System, NullLogger<ReadingHub>.Instance);
        hub.Register("grid", "em340", DeviceKind.Meter);
        using var sub = hub.Subscribe("test");
        var run = Task.Run(() => driver.RunAsync(hub, _stop.Token));

        await RecordingSink.WaitUntil(() => hub.Get("grid")?.Latest is not null, Wait, "the first meter reading");
        var first = (MeterReading)hub.Get("grid")!.Latest!;
        var requests = driver.Counters.Requests;
        // Two more full refreshes (five requests each) that return the same registers.
        await RecordingSink.WaitUntil(() => driver.Counters.Requests >= requests + 10 && first.LastSeen > first.Timestamp, Wait, "refreshes that confirm the reading");
        Assert.Same(first, hub.Get("grid")!.Latest);
        Assert.Equal(1, Readings(sub));

        frozen.Advance(TimeSpan.FromSeconds(5));
        await RecordingSink.WaitUntil(() => !ReferenceEquals(first, hub.Get("grid")!.Latest), Wait, "the changed registers as a new reading");
        Assert.True(Readings(sub) >= 1);
        await _stop.CancelAsync();
        await run.WaitAsync(Wait);
    }
}
