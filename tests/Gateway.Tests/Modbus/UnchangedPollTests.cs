using Gateway.Drivers.Devices;
using Gateway.Drivers.Em340;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Gateway.Readings;
using Gateway.Tests.Simulation;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Modbus;

/// <summary>
/// A poll whose replies equal those behind the last published reading confirms that reading in the hub (its
/// last-seen time advances, it stays fresh) and fans nothing out; a change is published as a new reading at once.
/// The simulators run on a clock that never moves, so their registers stay the same until the test changes them.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class UnchangedPollTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly List<PseudoTerminal> _ptys = [];
    private readonly List<Task> _servers = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly FakeTimeProvider _frozen = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var p in _ptys) p.Dispose();
        await Task.WhenAll(_servers.Select(s => s.ContinueWith(_ => { }))).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private string Serve(IModbusSlaveDevice device)
    {
        var pty = PseudoTerminal.Create();
        _ptys.Add(pty);
        var server = new ModbusSlaveServer(pty.MasterStream(), [device], TimeProvider.System);
        _servers.Add(Task.Run(() => server.RunAsync(_stop.Token)));
        return pty.SlavePath;
    }

    private static int Readings(HubSubscription sub)
    {
        var n = 0;
        while (sub.Reader.TryRead(out var e)) if (e is ReadingPublished) n++;
        return n;
    }

    [Fact]
    public async Task An_unchanged_MUST_poll_confirms_the_reading_and_a_power_cut_is_still_published()
    {
        var sim = new MustSimulator(_frozen, seed: 1);
        var driver = new MustDriver(new MustSettings("ups", new SerialSettings(Serve(sim)), PollInterval: TimeSpan.FromMilliseconds(200)),
            TimeProvider.System, NullLogger.Instance);
        var hub = new ReadingHub(TimeProvider.System, NullLogger<ReadingHub>.Instance);
        hub.Register("ups", "must", DeviceKind.Ups);
        using var sub = hub.Subscribe("test");
        var run = Task.Run(() => driver.RunAsync(hub, _stop.Token));

        await Wait.UntilAsync(() => hub.Get("ups")?.Latest is not null, "the first MUST reading", Timeout);
        var first = hub.Get("ups")!.Latest!;
        var requests = driver.Counters.Requests;
        // Several more polls (200 ms apart, a status read between): the same reading, seen later each time.
        await Wait.UntilAsync(() => driver.Counters.Requests >= requests + 6 && first.LastSeen > first.Timestamp, "polls that confirm the reading", Timeout);
        Assert.Same(first, hub.Get("ups")!.Latest);
        Assert.Equal(LinkState.Connected, hub.Get("ups")!.Link);
        Assert.True(first.IsFresh(TimeProvider.System.GetUtcNow()));
        Assert.Equal(1, Readings(sub));

        sim.LoseMains();
        await Wait.UntilAsync(() => hub.Get("ups")!.Latest is UpsReading { Status.OnBattery: true }, "the power cut as a new reading", Timeout);
        Assert.NotSame(first, hub.Get("ups")!.Latest);
        Assert.True(Readings(sub) >= 1);
        await _stop.CancelAsync();
        await run.WaitAsync(Timeout);
    }

    [Fact]
    public async Task An_unchanged_EM340_refresh_confirms_the_reading_and_a_changed_one_is_published()
    {
        var sim = new Em340Simulator(_frozen, seed: 2);
        var driver = new Em340Driver(new Em340Settings("grid", new SerialSettings(Serve(sim)), PollInterval: TimeSpan.FromMilliseconds(300)),
            TimeProvider.System, NullLogger.Instance);
        var hub = new ReadingHub(TimeProvider.System, NullLogger<ReadingHub>.Instance);
        hub.Register("grid", "em340", DeviceKind.Meter);
        using var sub = hub.Subscribe("test");
        var run = Task.Run(() => driver.RunAsync(hub, _stop.Token));

        await Wait.UntilAsync(() => hub.Get("grid")?.Latest is not null, "the first meter reading", Timeout);
        var first = (MeterReading)hub.Get("grid")!.Latest!;
        var requests = driver.Counters.Requests;
        // Two more full refreshes (five requests each) that return the same registers.
        await Wait.UntilAsync(() => driver.Counters.Requests >= requests + 10 && first.LastSeen > first.Timestamp, "refreshes that confirm the reading", Timeout);
        Assert.Same(first, hub.Get("grid")!.Latest);
        Assert.Equal(1, Readings(sub));

        _frozen.Advance(TimeSpan.FromSeconds(5));
        await Wait.UntilAsync(() => !ReferenceEquals(first, hub.Get("grid")!.Latest), "the changed registers as a new reading", Timeout);
        Assert.True(Readings(sub) >= 1);
        await _stop.CancelAsync();
        await run.WaitAsync(Timeout);
    }
}
