using Gateway.Drivers.Devices;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Serial;
using Gateway.Tests.Support;

namespace Gateway.Tests.Serial;

/// <summary>
/// A status read repeated by the port's reader thread while its reply stays the same (<see cref="ModbusWatch"/>): it must
/// keep its cadence, hand back the first reply that differs, end on time, give way to any other request and to an
/// interrupt, and fail as an ordinary request would on a timeout, a vanished device or a cancellation. The slave is the
/// test, on the master side of an in-process pty, answering every read with the current value of one register.
/// </summary>
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class PortWatchTests : IDisposable
{
    private static readonly ModbusTiming Timing = new(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(4), TimeSpan.FromMilliseconds(2));
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private static readonly ModbusRequest Status = ModbusRequest.Read(1, ModbusFunction.ReadHoldingRegisters, 25201, 1);
    private readonly PseudoTerminal _pty = PseudoTerminal.Create();
    private readonly PosixSerialPort _port;
    private readonly DriverCounters _counters = new();
    private readonly ModbusRtuMaster _master;
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));
    private readonly Task _slave;
    private volatile int _value = 4;
    private volatile bool _silent;
    private int _requests;

    public PortWatchTests()
    {
        _port = PosixSerialPort.Open(new SerialSettings(_pty.SlavePath));
        _master = new ModbusRtuMaster(_port, Timing, TimeProvider.System, _counters);
        _slave = Task.Run(ServeAsync);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _port.Dispose();
        _pty.Dispose();
        _slave.ContinueWith(_ => { }).Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    private int Requests => Volatile.Read(ref _requests);

    /// <summary>Answers every read request with the current value (a count of 2 gets the value and 0), unless silent.</summary>
    private async Task ServeAsync()
    {
        var buffer = new byte[256];
        var n = 0;
        while (!_stop.IsCancellationRequested)
        {
            n += await _pty.ReadAsync(buffer.AsMemory(n), _stop.Token);
            while (n > 0)
            {
                var status = ModbusFrames.TryDecodeRequest(buffer.AsSpan(0, n), out var request, out var consumed);
                if (status != ModbusRequestDecodeStatus.Request) break;
                buffer.AsSpan(consumed, n - consumed).CopyTo(buffer);
                n -= consumed;
                Interlocked.Increment(ref _requests);
                if (_silent) continue;
                ushort[] registers = request!.Count == 1 ? [(ushort)_value] : [(ushort)_value, 0];
                await _pty.WriteAsync(ModbusFrames.EncodeReadResponse(request.Slave, request.Function, registers), _stop.Token);
            }
        }
    }

    private static ModbusWatch Watch(ushort unchanged, TimeSpan lasting) =>
        new(Status, ModbusFrames.EncodeReadResponse(1, ModbusFunction.ReadHoldingRegisters, [unchanged]), Interval,
            System.Diagnostics.Stopwatch.GetTimestamp() + (long)(lasting.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));

    [Fact]
    public async Task Unchanged_replies_keep_the_watch_going_on_its_interval_until_it_is_due()
    {
        var watch = Watch(4, TimeSpan.FromMilliseconds(500));
        var started = TimeProvider.System.GetTimestamp();
        var reply = await _master.WatchAsync(watch, Timing, _counters, null, _stop.Token);
        var took = TimeProvider.System.GetElapsedTime(started);

        Assert.Null(reply);
        Assert.Equal(WatchEnd.Due, watch.End);
        // Cycles at 0, 50, …, 450 ms: ten, no sooner than the grid allows (a loaded machine may skip late ones).
        Assert.InRange(watch.UnchangedCycles, 3, 10);
        Assert.Equal(watch.UnchangedCycles, Requests);
        Assert.Equal(watch.UnchangedCycles, _counters.Requests);
        Assert.True(took >= TimeSpan.FromMilliseconds(450), $"ended after {took.TotalMilliseconds:0} ms");
        Assert.True(watch.CycleAt >= watch.Until);
        Assert.Equal(0, _counters.Timeouts + _counters.BadFrames);
        Assert.Equal(7L * watch.UnchangedCycles, _master.BytesReceived);
    }

    [Fact]
    public async Task The_first_reply_that_differs_ends_the_watch_and_is_handed_back_decoded()
    {
        var watch = Watch(4, TimeSpan.FromSeconds(20));
        var running = _master.WatchAsync(watch, Timing, _counters, null, _stop.Token);
        await WaitUntil(() => Requests >= 3);
        Assert.False(running.IsCompleted);
        _value = 2;
        var reply = await running.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.NotNull(reply);
        Assert.Equal([2], reply.Value.Registers);
        Assert.Equal(WatchEnd.Reply, watch.End);
        Assert.Equal(Requests, watch.UnchangedCycles + 1);
        // The port is free again for an ordinary request.
        Assert.Equal([2, 0], await _master.ReadHoldingRegistersAsync(1, 0, 2, _stop.Token));
    }

    [Fact]
    public async Task Another_request_ends_the_watch_and_is_answered_at_once()
    {
        var watch = Watch(4, TimeSpan.FromSeconds(20));
        var running = _master.WatchAsync(watch, Timing, _counters, null, _stop.Token);
        await WaitUntil(() => Requests >= 2);
        var started = TimeProvider.System.GetTimestamp();
        Assert.Equal([4, 0], await _master.ReadHoldingRegistersAsync(1, 0, 2, _stop.Token).WaitAsync(TimeSpan.FromSeconds(5)));
        var took = TimeProvider.System.GetElapsedTime(started);

        Assert.Null(await running.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(WatchEnd.Interrupted, watch.End);
        Assert.True(took < TimeSpan.FromSeconds(2), $"the request waited {took.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task An_interrupt_ends_a_sleeping_watch_long_before_it_is_due_and_before_it_starts()
    {
        var watch = Watch(4, TimeSpan.FromSeconds(20));
        var running = _master.WatchAsync(watch, Timing, _counters, null, _stop.Token);
        await WaitUntil(() => Requests >= 2);
        watch.Interrupt();
        Assert.Null(await running.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(WatchEnd.Interrupted, watch.End);

        var before = Requests;
        var early = Watch(4, TimeSpan.FromSeconds(20));
        early.Interrupt();
        Assert.Null(await _master.WatchAsync(early, Timing, _counters, null, _stop.Token).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(WatchEnd.Interrupted, early.End);
        Assert.Equal(before, Requests);

        var yielding = Watch(4, TimeSpan.FromSeconds(20));
        var yieldNow = false;
        var asked = new ModbusWatch(yielding.Request, yielding.Unchanged, yielding.Interval, yielding.Until) { YieldNow = () => Volatile.Read(ref yieldNow) };
        var third = _master.WatchAsync(asked, Timing, _counters, null, _stop.Token);
        await WaitUntil(() => Requests >= before + 2);
        Volatile.Write(ref yieldNow, true);
        Assert.Null(await third.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(WatchEnd.Interrupted, asked.End);
    }

    [Fact]
    public async Task A_silent_slave_ends_the_watch_with_a_counted_timeout_and_the_port_still_works()
    {
        var watch = Watch(4, TimeSpan.FromSeconds(20));
        var running = _master.WatchAsync(watch, Timing, _counters, null, _stop.Token);
        await WaitUntil(() => Requests >= 2);
        _silent = true;
        await Assert.ThrowsAsync<ModbusTimeoutException>(() => running.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(1, _counters.Timeouts);
        _silent = false;
        Assert.Equal([4, 0], await _master.ReadHoldingRegistersAsync(1, 0, 2, _stop.Token));
    }

    [Fact]
    public async Task A_vanished_device_or_a_cancellation_fails_a_sleeping_watch()
    {
        using var cancel = new CancellationTokenSource();
        var watch = Watch(4, TimeSpan.FromSeconds(20));
        var running = _master.WatchAsync(watch, Timing, _counters, null, cancel.Token);
        await WaitUntil(() => Requests >= 2);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal([4, 0], await _master.ReadHoldingRegistersAsync(1, 0, 2, _stop.Token));

        var second = _master.WatchAsync(Watch(4, TimeSpan.FromSeconds(20)), Timing, _counters, null, _stop.Token);
        await WaitUntil(() => Requests >= 5);
        _pty.Dispose();
        await Assert.ThrowsAsync<IOException>(() => second.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = TimeProvider.System.GetTimestamp() + TimeProvider.System.TimestampFrequency * 10;
        while (!condition())
        {
            if (TimeProvider.System.GetTimestamp() > deadline) throw new TimeoutException("the slave was not asked in 10 s");
            await Task.Delay(10);
        }
    }
}
