using Gateway.Drivers.Devices;
using Gateway.Drivers.Modbus;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Modbus;

public class ModbusRtuMasterTests
{
    private static readonly ModbusTiming Timing = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(4), TimeSpan.FromMilliseconds(40));

    private static byte[] Reply(byte slave, params ushort[] regs) => ModbusFrames.EncodeReadResponse(slave, ModbusFunction.ReadHoldingRegisters, regs);

    [Fact]
    public async Task Reads_registers_and_counts_the_request()
    {
        var counters = new DriverCounters();
        var t = new ScriptedTransport().Reply(Reply(1, 341));
        var master = new ModbusRtuMaster(t, Timing, TimeProvider.System, counters);
        Assert.Equal([341], await master.ReadHoldingRegistersAsync(1, 0x000B, 1, CancellationToken.None));
        Assert.Equal(1, counters.Requests);
        Assert.Equal(0, counters.BadFrames);
    }

    [Fact]
    public async Task No_reply_is_a_typed_timeout_in_virtual_time()
    {
        var time = new FakeTimeProvider();
        var counters = new DriverCounters();
        var t = new ScriptedTransport { Time = time }.Silence();
        var master = new ModbusRtuMaster(t, Timing, time, counters);
        var read = master.ReadHoldingRegistersAsync(1, 0, 2, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(read.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(2));
        await Assert.ThrowsAsync<ModbusTimeoutException>(() => read);
        Assert.Equal(1, counters.Timeouts);
    }

    [Fact]
    public async Task A_truncated_reply_becomes_a_truncated_frame_error()
    {
        var time = new FakeTimeProvider();
        var counters = new DriverCounters();
        var t = new ScriptedTransport { Time = time }.Reply(Reply(1, 1, 2, 3)[..6]);
        var master = new ModbusRtuMaster(t, Timing, time, counters);
        var read = master.ReadHoldingRegistersAsync(1, 0, 3, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(600));
        var e = await Assert.ThrowsAsync<ModbusFrameException>(() => read);
        Assert.Equal(ModbusFrameError.Truncated, e.Error);
        Assert.Equal(1, counters.BadFrames);
    }

    [Fact]
    public async Task Resyncs_after_garbage_and_stale_bytes()
    {
        var counters = new DriverCounters();
        var t = new ScriptedTransport()
            .Reply(r => [0xFF, 0x13, .. Reply(1, 7)])   // noise before the reply
            .Reply(Reply(1, 8));
        var master = new ModbusRtuMaster(t, Timing, TimeProvider.System, counters);
        Assert.Equal([7], await master.ReadHoldingRegistersAsync(1, 0, 1, CancellationToken.None));
        t.Inject(Reply(1, 99));                          // a late duplicate left on the line
        Assert.Equal([8], await master.ReadHoldingRegistersAsync(1, 0, 1, CancellationToken.None));
        Assert.True(t.Discarded > 0);
        Assert.Equal(2, counters.BadFrames);
    }

    [Fact]
    public async Task Wrong_slave_is_rejected_then_the_next_request_works()
    {
        var t = new ScriptedTransport().Reply(Reply(2, 7)).Reply(Reply(1, 8));
        var master = new ModbusRtuMaster(t, Timing, TimeProvider.System);
        var e = await Assert.ThrowsAsync<ModbusFrameException>(() => master.ReadHoldingRegistersAsync(1, 0, 1, CancellationToken.None));
        Assert.Equal(ModbusFrameError.WrongSlave, e.Error);
        Assert.Equal([8], await master.ReadHoldingRegistersAsync(1, 0, 1, CancellationToken.None));
    }

    [Fact]
    public async Task Keeps_the_inter_request_delay_in_virtual_time()
    {
        var time = new FakeTimeProvider();
        var t = new ScriptedTransport { Time = time }.Reply(Reply(1, 1)).Reply(Reply(1, 2));
        var master = new ModbusRtuMaster(t, Timing, time);
        await master.ReadHoldingRegistersAsync(1, 0, 1, CancellationToken.None);
        var second = master.ReadHoldingRegistersAsync(1, 0, 1, CancellationToken.None);
        Assert.Single(t.Written);
        time.Advance(TimeSpan.FromMilliseconds(39));
        Assert.Single(t.Written);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([2], await second);
        Assert.Equal(TimeSpan.FromMilliseconds(40), t.WrittenAt[1] - t.WrittenAt[0]);
    }

    [Fact]
    public async Task One_request_at_a_time_with_several_slaves_on_one_port()
    {
        var time = new FakeTimeProvider();
        var t = new ScriptedTransport { Time = time }.Silence().Reply(Reply(10, 4));
        var master = new ModbusRtuMaster(t, Timing with { InterRequestDelay = TimeSpan.Zero, InterFrameSilence = TimeSpan.Zero }, time);
        var first = master.ReadHoldingRegistersAsync(1, 0, 1, CancellationToken.None);
        var second = master.ReadHoldingRegistersAsync(10, 30000, 1, CancellationToken.None);
        Assert.Single(t.Written);          // the second waits for the first to finish
        time.Advance(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAsync<ModbusTimeoutException>(() => first);
        Assert.Equal([4], await second);
        Assert.Equal(10, t.Written[1][0]);
    }

    [Fact]
    public async Task Exception_replies_are_typed()
    {
        var t = new ScriptedTransport().Reply(ModbusFrames.EncodeException(1, 3, ModbusExceptionCode.IllegalDataAddress));
        var master = new ModbusRtuMaster(t, Timing, TimeProvider.System);
        var e = await Assert.ThrowsAsync<ModbusSlaveException>(() => master.ReadHoldingRegistersAsync(1, 0x0052, 1, CancellationToken.None));
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, e.Code);
    }
}
