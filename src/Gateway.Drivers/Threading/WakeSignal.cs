using Gateway.Drivers.Serial;
using Microsoft.Win32.SafeHandles;

namespace Gateway.Drivers.Threading;

/// <summary>
/// A flag one dedicated thread sleeps on: an eventfd. <see cref="Set"/> is one write(2) that wakes the sleeper in
/// poll(2) directly: no lock and no thread-pool hand-off (a Monitor or ManualResetEventSlim pulses under a lock the
/// woken thread must then take, which costs it a second wake-up when the two meet). A <see cref="Set"/> while nobody
/// waits is kept, so the next <see cref="Wait"/> returns at once and no signal is lost between a check and the wait.
/// <see cref="Set"/> after <see cref="Dispose"/> does nothing (a publisher may still hold the callback).
/// </summary>
public sealed class WakeSignal : IDisposable
{
    private readonly SafeFileHandle _fd;

    public WakeSignal()
    {
        var fd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (fd < 0)
            throw new IOException($"Cannot create an eventfd for a wake-up signal: {Libc.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}. The process may be out of file descriptors (see LimitNOFILE).");
        _fd = new SafeFileHandle(fd, ownsHandle: true);
    }

    public unsafe void Set()
    {
        var added = false;
        try
        {
            _fd.DangerousAddRef(ref added);
            ulong one = 1;
            Libc.Write((int)_fd.DangerousGetHandle(), (byte*)&one, sizeof(ulong));
        }
        catch (ObjectDisposedException) { }
        finally
        {
            if (added) _fd.DangerousRelease();
        }
    }

    /// <summary>
    /// Sleeps until <see cref="Set"/> or <paramref name="timeout"/>; true when set (the flag is cleared), false when the
    /// time ran out first (or a signal interrupted the sleep: callers look at the clock again).
    /// </summary>
    public unsafe bool Wait(TimeSpan timeout)
    {
        // Rounded up: a wait that ended a fraction of a millisecond early would only be followed by another wake-up.
        var ms = timeout <= TimeSpan.Zero ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));
        var added = false;
        try
        {
            _fd.DangerousAddRef(ref added);
            var fd = (int)_fd.DangerousGetHandle();
            var p = new Libc.PollFd { fd = fd, events = Libc.POLLIN };
            if (Libc.Poll(&p, 1, ms) <= 0) return false;
            ulong count;
            return Libc.Read(fd, (byte*)&count, sizeof(ulong)) == sizeof(ulong);
        }
        finally
        {
            if (added) _fd.DangerousRelease();
        }
    }

    public void Dispose() => _fd.Dispose();
}
