using System.Threading.Channels;

namespace Gateway.Drivers.Serial;

/// <summary>
/// Owns one open file descriptor (tty, pty master or slave) and a reader thread that waits in poll() and
/// hands received bytes to async readers. One thread per open port keeps thread-pool threads free; the
/// thread ends within <see cref="PollSlice"/> of <see cref="Dispose"/>, before the descriptor is closed.
/// </summary>
internal sealed class FileDescriptorChannel : IDisposable
{
    private const int PollSlice = 100;

    private readonly int _fd;
    private readonly Channel<byte[]> _received = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
    private readonly Thread _reader;
    private readonly Lock _readLock = new();
    private readonly Lock _writeLock = new();
    private byte[] _pending = [];
    private int _pendingOffset;
    private volatile bool _disposed;

    public FileDescriptorChannel(int fd, string name)
    {
        _fd = fd;
        Name = name;
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
        try
        {
            while (!_disposed)
            {
                var pfd = new Libc.PollFd { fd = _fd, events = Libc.POLLIN };
                var r = Libc.Poll(&pfd, 1, PollSlice);
                if (r < 0)
                {
                    var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    if (errno == Libc.EINTR) continue;
                    Fail($"poll failed: {Libc.Describe(errno)}");
                    return;
                }
                if (r == 0 || _disposed) continue;
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

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (Thread.CurrentThread != _reader) _reader.Join(TimeSpan.FromSeconds(2));
        Libc.Close(_fd);
        _received.Writer.TryComplete(new IOException($"{Name}: closed"));
    }
}
