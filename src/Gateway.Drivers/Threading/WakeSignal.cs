using System.Runtime.InteropServices;
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
    /// Sleeps until <see cref="Set"/> or <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no limit);
    /// true when set (the flag is cleared), false when the time ran out first (or a signal interrupted the sleep: callers
    /// look at the clock again).
    /// </summary>
    public unsafe bool Wait(TimeSpan timeout)
    {
        var added = false;
        try
        {
            _fd.DangerousAddRef(ref added);
            var fd = (int)_fd.DangerousGetHandle();
            var p = new Libc.PollFd { fd = fd, events = Libc.POLLIN };
            if (Libc.Poll(&p, 1, Milliseconds(timeout)) <= 0) return false;
            return Clear(fd);
        }
        finally
        {
            if (added) _fd.DangerousRelease();
        }
    }

    /// <summary>
    /// Sleeps until <see cref="Set"/>, until <paramref name="other"/> is ready (readable, or writable when
    /// <paramref name="writable"/>; an error or hang-up on it counts as ready) or until <paramref name="timeout"/>. A set
    /// is reported first when both happened.
    /// </summary>
    public unsafe WakeReason WaitOr(SafeHandle other, bool writable, TimeSpan timeout)
    {
        var added = false;
        var otherAdded = false;
        try
        {
            _fd.DangerousAddRef(ref added);
            other.DangerousAddRef(ref otherAdded);
            var fd = (int)_fd.DangerousGetHandle();
            var fds = stackalloc Libc.PollFd[2];
            fds[0] = new Libc.PollFd { fd = fd, events = Libc.POLLIN };
            fds[1] = new Libc.PollFd { fd = (int)other.DangerousGetHandle(), events = writable ? Libc.POLLOUT : Libc.POLLIN };
            if (Libc.Poll(fds, 2, Milliseconds(timeout)) <= 0) return WakeReason.TimedOut;
            if ((fds[0].revents & Libc.POLLIN) != 0 && Clear(fd)) return WakeReason.Set;
            return fds[1].revents != 0 ? WakeReason.Ready : WakeReason.TimedOut;
        }
        finally
        {
            if (otherAdded) other.DangerousRelease();
            if (added) _fd.DangerousRelease();
        }
    }

    /// <summary>
    /// Sleeps for <paramref name="delay"/> on <paramref name="time"/>'s clock unless <see cref="Set"/> comes first: true
    /// when the whole delay passed, false when set. On the real clock the delay is this thread's own poll timeout (no
    /// timer thread, no pool thread woken); on any other provider (tests' virtual time) a timer of that provider ends it.
    /// </summary>
    public bool Sleep(TimeProvider time, TimeSpan delay)
    {
        if (time == TimeProvider.System)
        {
            var started = time.GetTimestamp();
            while (true)
            {
                var left = delay - time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero) return true;
                if (Wait(left)) return false;
            }
        }
        var fired = 0;
        using var timer = time.CreateTimer(_ =>
        {
            Volatile.Write(ref fired, 1);
            Set();
        }, null, delay, Timeout.InfiniteTimeSpan);
        while (!Wait(Timeout.InfiniteTimeSpan)) { }
        return Volatile.Read(ref fired) == 1;
    }

    // Rounded up: a wait that ended a fraction of a millisecond early would only be followed by another wake-up.
    private static int Milliseconds(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? -1 : timeout <= TimeSpan.Zero ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));

    private static unsafe bool Clear(int fd)
    {
        ulong count;
        return Libc.Read(fd, (byte*)&count, sizeof(ulong)) == sizeof(ulong);
    }

    public void Dispose() => _fd.Dispose();
}

/// <summary>How <see cref="WakeSignal.WaitOr"/> ended.</summary>
public enum WakeReason
{
    TimedOut,
    Set,
    Ready,
}
