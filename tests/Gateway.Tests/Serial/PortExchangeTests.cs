using Gateway.Drivers.Devices;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Serial;
using Gateway.Tests.Support;

namespace Gateway.Tests.Serial;

/// <summary>
/// The Modbus master on a real port and the real clock runs each exchange on the port's reader thread
/// (<see cref="IExchangeTransport"/>): the reply, its deadline, stale input, cancellation and a vanished device
/// must behave as on the step-by-step path. The slave is the test, on the master side of an in-process pty.
/// </summary>
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class PortExchangeTests : IDisposable
{
    private static readonly ModbusTiming Timing = new(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(4), TimeSpan.FromMilliseconds(40));
    private readonly PseudoTerminal _pty = PseudoTerminal.Create();
    private readonly PosixSerialPort _port;
    private readonly DriverCounters _counters = new();
    private readonly ModbusRtuMaster _master;
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));

    public PortExchangeTests()
    {
        _port = PosixSerialPort.Open(new SerialSettings(_pty.SlavePath));
        _master = new ModbusRtuMaster(_port, Timing, TimeProvider.System, _counters);
    }

    public void Dispose()
    {
        _port.Dispose();
        _pty.Dispose();
        _stop.Dispose();
    }

    /// <summary>Reads one 8-byte read request from the slave side and answers it (or not).</summary>
    private async Task<ModbusRequest> ServeAsync(Func<ModbusRequest, byte[]?> answer)
    {
        var buffer = new byte[64];
        var n = 0;
        while (true)
        {
            n += await _pty.ReadAsync(buffer.AsMemory(n), _stop.Token);
            if (ModbusFrames.TryDecodeRequest(buffer.AsSpan(0, n), out var request, out _) == ModbusRequestDecodeStatus.Request)
            {
                if (answer(request!) is { } reply) await _pty.WriteAsync(reply, _stop.Token);
                return request!;
            }
        }
    }

    private static byte[] Reply(ModbusRequest r, params ushort[] regs) => ModbusFrames.EncodeReadResponse(r.Slave, r.Function, regs);

    [Fact]
    public async Task A_reply_in_two_chunks_after_stale_bytes_is_read_and_the_stale_bytes_are_counted()
    {
        await _pty.WriteAsync(new byte[] { 0x55, 0xAA, 0x01 }, _stop.Token);
        var slave = ServeAsync(_ => null);
        var read = _master.ReadHoldingRegistersAsync(1, 0x000B, 2, _stop.Token);
        var request = await slave;
        var reply = Reply(request, 341, 7);
        await _pty.WriteAsync(reply.AsMemory(0, 4), _stop.Token);
        await Task.Delay(20, _stop.Token);
        Assert.False(read.IsCompleted);
        await _pty.WriteAsync(reply.AsMemory(4), _stop.Token);
        Assert.Equal([341, 7], await read);
        Assert.Equal(1, _counters.Requests);
        // Dropped before the request, or skipped ahead of the reply if they came late: counted either way.
        Assert.True(_counters.BadFrames >= 1);
    }

    [Fact]
    public async Task A_silent_slave_is_a_typed_timeout_no_sooner_than_the_reply_timeout_and_the_port_still_works()
    {
        var slave = ServeAsync(_ => null);
        var started = TimeProvider.System.GetTimestamp();
        await Assert.ThrowsAsync<ModbusTimeoutException>(() => _master.ReadHoldingRegistersAsync(1, 0, 2, _stop.Token));
        Assert.True(TimeProvider.System.GetElapsedTime(started) >= Timing.ReplyTimeout - TimeSpan.FromMilliseconds(1));
        await slave;
        Assert.Equal(1, _counters.Timeouts);

        var next = ServeAsync(r => Reply(r, 1, 2));
        Assert.Equal([1, 2], await _master.ReadHoldingRegistersAsync(1, 0, 2, _stop.Token));
        await next;
    }

    [Fact]
    public async Task A_truncated_reply_is_a_truncated_frame_error()
    {
        var slave = ServeAsync(r => Reply(r, 1, 2)[..5]);
        var e = await Assert.ThrowsAsync<ModbusFrameException>(() => _master.ReadHoldingRegistersAsync(1, 0, 2, _stop.Token));
        Assert.Equal(ModbusFrameError.Truncated, e.Error);
        await slave;
        Assert.Equal(1, _counters.BadFrames);
    }

    [Fact]
    public async Task The_next_request_waits_the_inter_request_delay()
    {
        // Taken just before the reply is written, so before the master can have read it: the second request cannot
        // arrive earlier than this plus the delay, however late this test's own continuations run on a busy machine.
        var answered = 0L;
        var first = ServeAsync(r =>
        {
            answered = TimeProvider.System.GetTimestamp();
            return Reply(r, 1);
        });
        await _master.ReadHoldingRegistersAsync(1, 0, 1, _stop.Token);
        await first;
        var second = ServeAsync(r => Reply(r, 2));
        var read = _master.ReadHoldingRegistersAsync(1, 0, 1, _stop.Token);
        await second;
        Assert.True(TimeProvider.System.GetElapsedTime(answered) >= Timing.InterRequestDelay - TimeSpan.FromMilliseconds(1));
        Assert.Equal([2], await read);
    }

    [Fact]
    public async Task Cancelling_a_request_ends_it_and_the_next_one_works()
    {
        using var cancel = new CancellationTokenSource();
        var slave = ServeAsync(_ => null);
        var read = _master.ReadHoldingRegistersAsync(1, 0, 2, cancel.Token);
        await slave;
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);

        var next = ServeAsync(r => Reply(r, 5, 6));
        Assert.Equal([5, 6], await _master.ReadHoldingRegistersAsync(1, 0, 2, _stop.Token));
        await next;
    }

    [Fact]
    public async Task A_vanished_device_fails_a_waiting_request_with_an_io_error()
    {
        var slave = ServeAsync(_ => null);
        var read = _master.ReadHoldingRegistersAsync(1, 0, 2, _stop.Token);
        await slave;
        _pty.Dispose();
        await Assert.ThrowsAsync<IOException>(() => read);
        await Assert.ThrowsAnyAsync<Exception>(() => _master.ReadHoldingRegistersAsync(1, 0, 2, _stop.Token));
    }
}
