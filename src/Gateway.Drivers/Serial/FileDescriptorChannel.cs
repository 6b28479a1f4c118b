using System.Threading.Channels;

namespace Gateway.Drivers.Serial;

/// <summary>
/// Owns one open file descriptor (tty, pty master or slave) and a reader thread that waits in poll() and
/// hands received bytes to async readers. One thread per open port keeps thread-pool threads free. The thread
/// sleeps in poll() without a timeout, so an idle port costs no wake-ups; <see cref="Dispose"/> wakes it through
/// an eventfd in the same poll set and waits for it to end before either descriptor is closed.
/// </summary>
internal sealed class FileDescriptorChannel : IDisposable
{
    private readonly int _fd;
    private readonly int _wake;
    private readonly Channel<byte[]> _received = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
    private readonly Thread _reader;
    private readonly Lock _readLock = new();
    private readonly Lock _writeLock = new();
    private byte[] _pending = [];
    private int _pendingOffset;
    private volatile bool _disposed;
    private int _disposing;

    public FileDescriptorChannel(int fd, string name)
    {
        _fd = fd;
        Name = name;
        _wake = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (_wake < 0)
            throw new IOException($"{name}: cannot create the eventfd that stops its reader: {Libc.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"serial {System.IO.Path.GetFileName(name)}" };
        _reader.Start();
    }

    public string Name { get; }

    /// <summary>Number of live reader threads in this process (leak checks in tests).</summary>
    public static int LiveReaders => Volatile.Read(ref s_liveReaders);
    private static int s_liveReaders;

    private unsafe void ReadLoop()
    {
        Interlocked.Increment(ref s_liveReaders);
        var buffer = new byte[512];
        var fds = stackalloc Libc.PollFd[2];
        try
        {
            while (!_disposed)
            {
                fds[0] = new Libc.PollFd { fd = _fd, events = Libc.POLLIN };
                fds[1] = new Libc.PollFd { fd = _wake, events = Libc.POLLIN };
                var r = Libc.Poll(fds, 2, -1);
                if (r < 0)
                {
                    var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    if (errno == Libc.EINTR) continue;
                    Fail($"poll failed: {Libc.Describe(errno)}");
                    return;
                }
                if (r == 0 || _disposed || fds[1].revents != 0) continue;
                var pfd = fds[0];
                if ((pfd.revents & Libc.POLLNVAL) != 0) { Fail("descriptor closed"); return; }
                if ((pfd.revents & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR)) == 0) continue;
                nint n;
                fixed (byte* p = buffer) n = Libc.Read(_fd, p, buffer.Length);
                if (n > 0)
                {
                    _received.Writer.TryWrite(buffer.AsSpan(0, (int)n).ToArray());
                    continue;
                }
                if (n == 0) { Fail("end of file (device gone)"); return; }
                var err = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (err is Libc.EAGAIN or Libc.EINTR) continue;
                Fail($"read failed: {Libc.Describe(err)}");
                return;
            }
        }
        finally
        {
            Interlocked.Decrement(ref s_liveReaders);
        }
    }

    private void Fail(string reason) => _received.Writer.TryComplete(new IOException($"{Name}: {reason}"));

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.Length == 0) return 0;
        while (true)
        {
            lock (_readLock)
            {
                if (_pendingOffset < _pending.Length) return TakePending(buffer.Span);
                if (_received.Reader.TryRead(out var chunk))
                {
                    _pending = chunk;
                    _pendingOffset = 0;
                    return TakePending(buffer.Span);
                }
            }
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                if (!await _received.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    throw new IOException($"{Name}: closed");
            }
            catch (ChannelClosedException e)
            {
                throw e.InnerException as IOException ?? new IOException($"{Name}: closed", e);
            }
        }
    }

    private int TakePending(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _pending.Length - _pendingOffset);
        _pending.AsSpan(_pendingOffset, n).CopyTo(destination);
        _pendingOffset += n;
        return n;
    }

    public int DiscardInput()
    {
        lock (_readLock)
        {
            var dropped = _pending.Length - _pendingOffset;
            _pending = [];
            _pendingOffset = 0;
            while (_received.Reader.TryRead(out var chunk)) dropped += chunk.Length;
            return dropped;
        }
    }

    public unsafe void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_writeLock)
        {
            fixed (byte* start = data)
            {
                var written = 0;
                var deadline = Environment.TickCount64 + 2000;
                while (written < data.Length)
                {
                    var n = Libc.Write(_fd, start + written, data.Length - written);
                    if (n > 0) { written += (int)n; continue; }
                    var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    if (n < 0 && errno is Libc.EAGAIN or Libc.EINTR && Environment.TickCount64 < deadline)
                    {
                        var pfd = new Libc.PollFd { fd = _fd, events = 0x4 /* POLLOUT */ };
                        Libc.Poll(&pfd, 1, 50);
                        continue;
                    }
                    throw new IOException($"{Name}: write failed: {(n < 0 ? Libc.Describe(errno) : "no progress")}");
                }
            }
        }
    }

    private unsafe void Wake()
    {
        ulong one = 1;
        Libc.Write(_wake, (byte*)&one, sizeof(ulong));
    }

    public void Dispose()
    {
        // Once only: a second close of either number could close a descriptor someone else opened meanwhile.
        if (Interlocked.Exchange(ref _disposing, 1) != 0) return;
        _disposed = true;
        Wake();
        if (Thread.CurrentThread != _reader && !_reader.Join(TimeSpan.FromSeconds(10)))
        {
            // Closing a descriptor under a thread blocked in poll() on it does not wake that thread, and the number
            // could be reused: leave both open rather than risk it (never seen; the eventfd write wakes it).
            _received.Writer.TryComplete(new IOException($"{Name}: closed"));
            return;
        }
        Libc.Close(_fd);
        Libc.Close(_wake);
        _received.Writer.TryComplete(new IOException($"{Name}: closed"));
    }
}
