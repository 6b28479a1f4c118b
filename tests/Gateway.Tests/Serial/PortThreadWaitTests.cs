using Gateway.Drivers.Serial;
using Gateway.Tests.Support;

namespace Gateway.Tests.Serial;

/// <summary>
/// A poll loop's wait between polls (<see cref="IExchangeTransport.DelayAsync"/>) ends on the port's reader thread,
/// and the loop goes on there. The port's end must fail every wait (a loop woken early must not take it for its turn:
/// see UnplugBetweenPollsTests), and closing the port must not wait for
/// a loop that runs on the reader thread and needs a lock the closer holds: that is what a bus does when one device
/// judges the port failed (it closes it under the bus's lock) while another device's loop runs on the port's thread.
/// </summary>
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class PortThreadWaitTests : IDisposable
{
    private readonly PseudoTerminal _pty = PseudoTerminal.Create();
    private readonly PosixSerialPort _port;

    public PortThreadWaitTests() => _port = PosixSerialPort.Open(new SerialSettings(_pty.SlavePath));

    public void Dispose()
    {
        _port.Dispose();
        _pty.Dispose();
    }

    [Fact]
    public async Task A_wait_goes_on_on_the_port_thread()
    {
        // Outside the test framework's synchronisation context, as a device's poll loop runs. A wait already over when
        // it is awaited goes on where it is (as any completed task does): on a loaded machine even 5 ms can be over
        // before the await, so the wait is long and a try where it was over anyway is not counted.
        for (var attempt = 1; ; attempt++)
        {
            var (resumedOn, overBeforeAwait) = await Task.Run(async () =>
            {
                var wait = _port.DelayAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);
                var over = wait.IsCompleted;
                await wait;
                return (Thread.CurrentThread.Name, over);
            });
            if (overBeforeAwait && attempt < 10) continue;
            Assert.False(overBeforeAwait, "the 200 ms wait was over before it was awaited in 10 tries");
            Assert.StartsWith("serial ", resumedOn);
            break;
        }
    }

    /// <summary>
    /// Waits on the port until the caller goes on on the port's thread. A wait started off that thread can end before
    /// its caller awaits it (a loaded machine): the caller then simply goes on where it is, so the first wait may not
    /// get there; a wait started on the port's thread cannot (the thread runs the caller until it awaits).
    /// </summary>
    private async Task ReachPortThreadAsync()
    {
        for (var i = 0; i < 100 && Thread.CurrentThread.Name?.StartsWith("serial ", StringComparison.Ordinal) != true; i++)
            await _port.DelayAsync(TimeSpan.FromMilliseconds(1), CancellationToken.None);
    }

    [Fact]
    public async Task Closing_the_port_under_a_lock_the_resumed_loop_needs_does_not_wait_for_it_and_the_descriptors_still_close()
    {
        var busLock = new object();
        var resumed = new ManualResetEventSlim();
        string? resumedOn = null;
        var loop = Task.Run(async () =>
        {
            await ReachPortThreadAsync();
            resumedOn = Thread.CurrentThread.Name;
            resumed.Set();
            lock (busLock)
            {
                // The loop's next step after the lock: the port is closed now, so its next wait fails at once.
            }
            await _port.DelayAsync(TimeSpan.FromHours(1), CancellationToken.None);
        });

        Monitor.Enter(busLock);
        try
        {
            Assert.True(resumed.Wait(TimeSpan.FromSeconds(20)), "the wait never ended");
            // The reader thread now runs the loop, which waits for busLock. A Dispose that joined the reader would
            // hang here until its join gave up, then leave both descriptors open.
            _port.Dispose();
        }
        finally
        {
            Monitor.Exit(busLock);
        }

        Assert.StartsWith("serial ", resumedOn);
        await Assert.ThrowsAsync<IOException>(() => loop.WaitAsync(TimeSpan.FromSeconds(20)));
        await Wait.UntilAsync(() => _port.Channel.DescriptorsClosed, "the port's descriptors closed by its ending reader");
    }

    [Fact]
    public async Task A_wait_pending_when_the_device_goes_fails_with_the_reason_and_a_later_one_does_at_once()
    {
        var pending = _port.DelayAsync(TimeSpan.FromHours(1), CancellationToken.None);
        _pty.Dispose();
        var gone = await Assert.ThrowsAsync<IOException>(() => pending.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains(_pty.SlavePath, gone.Message);
        await Wait.UntilAsync(() => _port.DelayAsync(TimeSpan.FromHours(1), CancellationToken.None).IsFaulted, "a wait on an ended port to fail at once");
        var error = await Assert.ThrowsAsync<IOException>(() => _port.ExchangeAsync(new byte[] { 1 }, TimeSpan.Zero, TimeSpan.FromHours(1), new byte[8], static _ => false, CancellationToken.None));
        Assert.Contains(_pty.SlavePath, error.Message);
    }
}
