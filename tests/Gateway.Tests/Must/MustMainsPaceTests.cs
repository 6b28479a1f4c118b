using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Gateway.Tests.Simulation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Must;

/// <summary>
/// The MUST's full poll slows to <c>mains_poll_interval</c> (2 s) while the UPS is on mains and nothing is wrong; the
/// work state is still read every 250 ms, and any other work state brings the full poll back to every second. The
/// real driver and master over a real pty with the MUST simulator, on a virtual clock: the test advances the clock
/// only while the driver waits on its one timer (its next turn), so every request's virtual time is exact.
/// </summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MustMainsPaceTests : IDisposable
{
    private static readonly TimeSpan Status = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Mains = TimeSpan.FromSeconds(2);
    // Distinct from every wait of the loop, so a pending reply timeout says "a request is on the wire".
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(7);

    private readonly CancellationTokenSource _stop = new();
    private readonly PseudoTerminal _pty = PseudoTerminal.Create();
    private readonly SignalingTimeProvider _time = new();
    private readonly MustSimulator _sim;
    private readonly CountingSlave _slave;
    private readonly RecordingSink _sink;
    private readonly MustDriver _driver;

    public MustMainsPaceTests()
    {
        _sim = new MustSimulator(_time, seed: 8);
        _slave = new CountingSlave(_sim, _time);
        var server = new ModbusSlaveServer(_pty.MasterStream(), [_slave], TimeProvider.System);
        _ = Task.Run(() => server.RunAsync(_stop.Token));
        _driver = new MustDriver(new MustSettings("ups", new SerialSettings(_pty.SlavePath, Timeout: ReplyTimeout), PollInterval: Poll,
            SlowPollInterval: TimeSpan.FromHours(1), StatusInterval: Status, MainsPollInterval: Mains), _time, NullLogger.Instance);
        _sink = new RecordingSink(_time);
        _ = Task.Run(() => _driver.RunAsync(_sink, _stop.Token));
    }

    public void Dispose()
    {
        _stop.Cancel();
        _pty.Dispose();
        _stop.Dispose();
    }

    [Fact]
    public async Task On_mains_the_full_poll_comes_every_2_s_a_cut_brings_it_back_to_every_second_and_mains_slows_it_again()
    {
        // After the connect: two full polls on line a second apart (the first a quiet gap after the identity read),
        // then every 2 s.
        await RunUntilAsync(() => FullPolls().Length >= 4, "four full polls on mains");
        var mains = FullPolls();
        Assert.InRange(mains[1] - mains[0], Poll - TimeSpan.FromMilliseconds(50), Poll);
        AssertEvery(Mains, mains[1..4]);
        AssertStatusReadsFill(mains[1], mains[3]);
        var online = _sink.Latest<UpsReading>()!;
        Assert.True(online.Status.OnLine && !online.Status.OnBattery, online.Status.ToString());
        Assert.Equal(TimeSpan.FromSeconds(6), online.MaxAge);

        // The cut: the very next request is a status read, and it publishes OB at once.
        await WaitUntilIdleAsync();
        var cutAt = _time.GetUtcNow();
        _sim.LoseMains();
        await RunUntilAsync(() => _sink.Latest<UpsReading>()!.Status.OnBattery, "OB published");
        var firstAfterCut = _slave.TimedReads.First(r => r.At > cutAt);
        Assert.Equal((ushort)MustRegisterMap.WorkState, firstAfterCut.Address);
        Assert.Equal(cutAt + Status, firstAfterCut.At);
        var onBattery = _sink.Latest<UpsReading>()!;
        Assert.Equal(firstAfterCut.At, onBattery.Timestamp);
        Assert.Equal(Poll * 3, onBattery.MaxAge);

        // The full poll follows at the next turn, then every second; the work state still every 250 ms.
        await RunUntilAsync(() => FullPolls().Count(t => t > cutAt) >= 4, "four full polls on battery");
        var battery = FullPolls().Where(t => t > cutAt).ToArray();
        Assert.Equal(firstAfterCut.At + Status, battery[0]);
        AssertEvery(Poll, battery[..4]);
        AssertStatusReadsFill(battery[0], battery[3]);
        Assert.All(_sink.Readings.OfType<UpsReading>().Where(r => r.Timestamp > cutAt), r =>
        {
            Assert.True(r.Status.OnBattery);
            Assert.Equal(Poll * 3, r.MaxAge);
        });

        // Mains again: published by the next status read; the full poll slows down after two full polls on line, so
        // the status read's reading and those two (the policy's power_back_readings) come as fast as on battery.
        await WaitUntilIdleAsync();
        var backAt = _time.GetUtcNow();
        _sim.RestoreMains();
        await RunUntilAsync(() => _sink.Latest<UpsReading>()!.Status.OnLine, "OL published");
        var back = _sink.Latest<UpsReading>()!;
        Assert.Equal(backAt + Status, back.Timestamp);
        Assert.Equal(Poll * 3, back.MaxAge);
        await RunUntilAsync(() => FullPolls().Count(t => t > backAt) >= 4, "four full polls on mains again");
        var again = FullPolls().Where(t => t > backAt).ToArray();
        Assert.Equal(battery[^1] + Poll, again[0]);
        Assert.Equal(again[0] + Poll, again[1]);
        AssertEvery(Mains, again[1..4]);
        AssertStatusReadsFill(again[0], again[3]);
        var onLine = _sink.Readings.OfType<UpsReading>().Where(r => r.Timestamp > backAt).ToArray();
        Assert.Equal([Poll * 3, Poll * 3, Mains * 3, Mains * 3, Mains * 3], onLine.Select(r => r.MaxAge));
        Assert.Equal(LinkState.Connected, _sink.Current);
        Assert.Equal(0, _driver.Counters.Timeouts);
    }

    [Fact]
    public async Task An_unknown_work_state_or_grid_charge_keeps_the_full_poll_every_second()
    {
        await RunUntilAsync(() => FullPolls().Length >= 4, "four full polls on mains");
        AssertEvery(Mains, FullPolls()[1..4]);

        // 9 is no work state the map knows: the reading is rejected, and the full poll goes fast at the next turn.
        await WaitUntilIdleAsync();
        var unknownAt = _time.GetUtcNow();
        var badBefore = _driver.Counters.BadReadings;
        _sim.ForceWorkState(9);
        await RunUntilAsync(() => FullPolls().Count(t => t > unknownAt) >= 3, "three full polls in the unknown state");
        var unknown = FullPolls().Where(t => t > unknownAt).ToArray();
        Assert.Equal(unknownAt + 2 * Status, unknown[0]);
        AssertEvery(Poll, unknown[..3]);
        AssertStatusReadsFill(unknown[0], unknown[2]);
        Assert.True(_driver.Counters.BadReadings > badBefore);

        // Grid charge (7) is on mains too, but not the plain line state: fast as well, and its readings say so.
        await WaitUntilIdleAsync();
        var chargeAt = _time.GetUtcNow();
        _sim.ForceWorkState((ushort)MustWorkState.GridCharge);
        await RunUntilAsync(() => FullPolls().Count(t => t > chargeAt) >= 3, "three full polls in grid charge");
        AssertEvery(Poll, FullPolls().Where(t => t > chargeAt).Take(3).ToArray());
        var charging = _sink.Latest<UpsReading>()!;
        Assert.True(charging.Status.Has(UpsStatusFlags.OL | UpsStatusFlags.CHRG), charging.Status.ToString());
        Assert.Equal(Poll * 3, charging.MaxAge);

        // Line again: slow again.
        await WaitUntilIdleAsync();
        var lineAt = _time.GetUtcNow();
        _sim.ForceWorkState(null);
        await RunUntilAsync(() => FullPolls().Count(t => t > lineAt) >= 4, "four full polls back on line");
        var line = FullPolls().Where(t => t > lineAt).ToArray();
        Assert.Equal(line[0] + Poll, line[1]);
        AssertEvery(Mains, line[1..4]);
        Assert.Equal(Mains * 3, _sink.Latest<UpsReading>()!.MaxAge);
    }

    private DateTimeOffset[] FullPolls() =>
        [.. _slave.TimedReads.Where(r => r.Address == MustRegisterMap.MainStart && r.Count == MustRegisterMap.MainCount).Select(r => r.At)];

    private static void AssertEvery(TimeSpan interval, DateTimeOffset[] times)
    {
        for (var i = 1; i < times.Length; i++) Assert.Equal(interval, times[i] - times[i - 1]);
    }

    /// <summary>Between two full polls every 250 ms turn is a status read (one register), and nothing else is read.</summary>
    private void AssertStatusReadsFill(DateTimeOffset from, DateTimeOffset to)
    {
        var between = _slave.TimedReads.Where(r => r.At > from && r.At < to).ToArray();
        var fullPolls = FullPolls();
        var expected = new List<DateTimeOffset>();
        for (var t = from + Status; t < to; t += Status)
            if (!fullPolls.Contains(t)) expected.Add(t);
        Assert.Equal(expected, between.Where(r => r.Address == MustRegisterMap.WorkState && r.Count == 1).Select(r => r.At));
        Assert.Equal(between.Length, expected.Count + fullPolls.Count(t => t > from && t < to));
    }

    /// <summary>The driver waits on its one timer (its next turn, or a quiet gap), no request on the wire.</summary>
    private async Task<TimeSpan> WaitUntilIdleAsync()
    {
        var due = TimeSpan.Zero;
        await Wait.UntilAsync(() =>
        {
            var pending = _time.PendingDueTimes;
            if (pending.Count != 1 || pending[0] == ReplyTimeout) return false;
            due = pending[0];
            return true;
        }, "the driver waiting for its next turn");
        return due;
    }

    private async Task RunUntilAsync(Func<bool> condition, string what)
    {
        for (var turn = 0; turn < 400; turn++)
        {
            var due = await WaitUntilIdleAsync();
            if (condition()) return;
            _time.Advance(due);
        }
        Assert.Fail($"400 turns without {what}");
    }
}
