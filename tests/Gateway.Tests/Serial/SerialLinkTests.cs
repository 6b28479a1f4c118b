using Gateway.Drivers.Devices;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Tests.Modbus;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Serial;

public sealed class SerialLinkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seriallink").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
    private readonly DriverCounters _counters = new();
    private readonly List<TimeSpan> _attempts = [];
    private readonly List<ScriptedTransport> _opened = [];
    private int _failuresLeft;

    public void Dispose() => Directory.Delete(_dir, true);

    private SerialLink Link(int lostAfter = 3)
    {
        var port = Path.Combine(_dir, "ttyTEST");
        File.WriteAllText(port, "");
        var start = _time.GetUtcNow();
        return new SerialLink(new SerialSettings(port, LostAfter: lostAfter), "dev", _counters, _time, NullLogger.Instance, _ =>
        {
            _attempts.Add(_time.GetUtcNow() - start);
            if (_failuresLeft-- > 0) throw new FileNotFoundException("serial device does not exist");
            var t = new ScriptedTransport { DevicePath = DevicePath.Resolve(port)! };
            _opened.Add(t);
            return t;
        }, new ReconnectBackoff(jitter: 0));
    }

    private static Task Verified(ISerialTransport t, CancellationToken ct) => Task.CompletedTask;

    private async Task<ISerialTransport> ConnectInVirtualTime(SerialLink link, TimeSpan max)
    {
        var connect = link.ConnectAsync(Verified, CancellationToken.None);
        for (var waited = TimeSpan.Zero; !connect.IsCompleted && waited < max; waited += TimeSpan.FromMilliseconds(250))
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Yield();
        }
        return await connect.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Retries_with_backoff_in_virtual_time_until_the_device_appears()
    {
        _failuresLeft = 4;
        var link = Link();
        var states = new List<LinkState>();
        link.StateChanged += (s, _) => states.Add(s);
        await ConnectInVirtualTime(link, TimeSpan.FromMinutes(2));
        Assert.Equal([0, 2, 5, 9.5, 16.25], _attempts.Select(a => Math.Round(a.TotalSeconds, 2)));
        Assert.Equal([LinkState.Lost, LinkState.Connected], states);
        Assert.Equal(LinkState.Connected, link.State);
    }

    [Fact]
    public async Task A_single_timeout_is_a_retry_and_lost_after_three_in_a_row()
    {
        var link = Link();
        await ConnectInVirtualTime(link, TimeSpan.FromSeconds(1));
        var timeout = new ModbusTimeoutException(1, TimeSpan.FromMilliseconds(500));
        Assert.False(link.ReportFailure(timeout));
        link.ReportSuccess();
        Assert.False(link.ReportFailure(timeout));
        Assert.False(link.ReportFailure(new ModbusFrameException(ModbusFrameError.Garbage, "noise")));
        Assert.Equal(LinkState.Connected, link.State);
        Assert.True(link.ReportFailure(timeout));
        Assert.Equal(LinkState.Lost, link.State);
        Assert.True(_opened[0].Disposed);
        Assert.Equal(1, _counters.LinkLosses);
    }

    [Fact]
    public async Task An_exception_reply_proves_the_link_is_alive()
    {
        var link = Link(lostAfter: 2);
        await ConnectInVirtualTime(link, TimeSpan.FromSeconds(1));
        var timeout = new ModbusTimeoutException(1, TimeSpan.FromMilliseconds(500));
        Assert.False(link.ReportFailure(timeout));
        Assert.False(link.ReportFailure(new ModbusSlaveException(1, ModbusFunction.ReadHoldingRegisters, ModbusExceptionCode.IllegalDataAddress)));
        Assert.False(link.ReportFailure(timeout));
        Assert.Equal(LinkState.Connected, link.State);
    }

    [Fact]
    public async Task An_io_error_is_a_loss_at_once_and_reconnect_waits_one_backoff_then_counts()
    {
        var link = Link();
        await ConnectInVirtualTime(link, TimeSpan.FromSeconds(1));
        Assert.True(link.ReportFailure(new IOException("read failed: Input/output error")));
        Assert.Equal(LinkState.Lost, link.State);
        Assert.Contains("I/O error", link.Reason);
        var before = _attempts.Count;
        var lostAt = _time.GetUtcNow();
        await ConnectInVirtualTime(link, TimeSpan.FromSeconds(10));
        Assert.Equal(before + 1, _attempts.Count);
        Assert.Equal(1, _counters.Reconnects);
        Assert.True(_opened[0].Disposed);
        Assert.False(_opened[1].Disposed);
    }

    [Fact]
    public async Task A_vanished_device_file_is_a_loss_on_the_first_timeout()
    {
        var link = Link();
        await ConnectInVirtualTime(link, TimeSpan.FromSeconds(1));
        File.Delete(link.Settings.Port);
        Assert.True(link.ReportFailure(new ModbusTimeoutException(1, TimeSpan.FromMilliseconds(500))));
        Assert.Contains("vanished", link.Reason);
    }

    [Fact]
    public async Task A_failed_identity_check_keeps_retrying_and_disposes_each_port()
    {
        var link = Link();
        var calls = 0;
        var connect = link.ConnectAsync((t, ct) => ++calls < 3 ? throw new UnexpectedDeviceException("model code 7") : Task.CompletedTask, CancellationToken.None);
        for (var i = 0; i < 100 && !connect.IsCompleted; i++) { _time.Advance(TimeSpan.FromMilliseconds(250)); await Task.Yield(); }
        await connect.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(3, _opened.Count);
        Assert.True(_opened[0].Disposed && _opened[1].Disposed);
        Assert.False(_opened[2].Disposed);
    }
}
