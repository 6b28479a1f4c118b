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
    private volatile bool _failed;
    private int _disposing;
    private PendingExchange? _exchange;

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
                var timeout = -1;
                if (Volatile.Read(ref _exchange) is { } x && !Step(x, out timeout)) continue;
                fds[0] = new Libc.PollFd { fd = _fd, events = Libc.POLLIN };
                fds[1] = new Libc.PollFd { fd = _wake, events = Libc.POLLIN };
                var r = Libc.Poll(fds, 2, timeout);
                if (r < 0)
                {
                    var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    if (errno == Libc.EINTR) continue;
                    Fail($"poll failed: {Libc.Describe(errno)}");
                    return;
                }
                if (fds[1].revents != 0)
                {
                    ulong count;
                    Libc.Read(_wake, (byte*)&count, sizeof(ulong));
                }
                if (r == 0 || _disposed) continue;
                var pfd = fds[0];
                if ((pfd.revents & Libc.POLLNVAL) != 0) { Fail("descriptor closed"); return; }
                if ((pfd.revents & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR)) == 0) continue;
                nint n;
                var into = Volatile.Read(ref _exchange) is { Written: true } reading ? reading : null;
                if (into is not null)
                {
                    fixed (byte* p = into.Reply) n = Libc.Read(_fd, p + into.Received, into.Reply.Length - into.Received);
                }
                else
                {
                    fixed (byte* p = buffer) n = Libc.Read(_fd, p, buffer.Length);
                }
                if (n > 0)
                {
                    if (into is null) _received.Writer.TryWrite(buffer.AsSpan(0, (int)n).ToArray());
                    else
                    {
                        into.Received += (int)n;
                        if (into.Received == into.Reply.Length || IsComplete(into)) Finish(into, timedOut: false);
                    }
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
            if (Volatile.Read(ref _exchange) is { } left) FinishFailed(left, new IOException($"{Name}: closed"));
        }
    }

    /// <summary>
    /// Advances the current exchange on the reader thread: cancelled, quiet time over (then the request is written),
    /// or reply deadline passed. False when the loop should look again at once; else the poll timeout in ms.
    /// </summary>
    private bool Step(PendingExchange x, out int timeout)
    {
        timeout = -1;
        if (x.Cancelled)
        {
            FinishFailed(x, null);
            return false;
        }
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (!x.Written)
        {
            if (now < x.QuietUntil)
            {
                timeout = CeilingMs(x.QuietUntil - now);
                return true;
            }
            x.Stale = DiscardInput();
            try
            {
                Write(x.Request.Span);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                FinishFailed(x, e);
                return false;
            }
            x.Deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(x.Timeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            x.Written = true;
            return false;
        }
        if (now >= x.Deadline)
        {
            Finish(x, timedOut: true);
            return false;
        }
        timeout = CeilingMs(x.Deadline - now);
        return true;
    }

    private static int CeilingMs(long stopwatchTicks) =>
        (int)Math.Min(int.MaxValue, (stopwatchTicks * 1000 + System.Diagnostics.Stopwatch.Frequency - 1) / System.Diagnostics.Stopwatch.Frequency);

    private static bool IsComplete(PendingExchange x)
    {
        try
        {
            return x.Complete(x.Reply.AsSpan(0, x.Received));
        }
        catch (Exception)
        {
            // A reply the caller's check rejects for good ends the exchange: the caller decodes it again and reports it.
            return true;
        }
    }

    private void Finish(PendingExchange x, bool timedOut)
    {
        Interlocked.CompareExchange(ref _exchange, null, x);
        x.Done.TrySetResult(new ExchangeOutcome(x.Received, timedOut, x.Stale));
    }

    private void FinishFailed(PendingExchange x, Exception? error)
    {
        Interlocked.CompareExchange(ref _exchange, null, x);
        if (error is null) x.Done.TrySetCanceled();
        else x.Done.TrySetException(error);
    }

    /// <summary>See <see cref="IExchangeTransport.ExchangeAsync"/>; one exchange at a time (the Modbus master's gate ensures it).</summary>
    public async Task<ExchangeOutcome> ExchangeAsync(ReadOnlyMemory<byte> request, TimeSpan quiet, TimeSpan timeout, byte[] reply, ReplyComplete complete, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        var quietUntil = System.Diagnostics.Stopwatch.GetTimestamp() + (quiet > TimeSpan.Zero ? (long)(quiet.TotalSeconds * System.Diagnostics.Stopwatch.Frequency) : 0);
        var x = new PendingExchange(request, quietUntil, timeout, reply, complete);
        if (Interlocked.CompareExchange(ref _exchange, x, null) is not null)
            throw new InvalidOperationException($"{Name}: an exchange is already running");
        Wake();
        // The reader may have ended (device gone, disposed) before it saw the exchange: then nobody else finishes it.
        if (_failed || _disposed || !_reader.IsAlive) FinishFailed(x, new IOException($"{Name}: closed"));
        using (ct.Register(static o =>
        {
            var (channel, exchange) = ((FileDescriptorChannel, PendingExchange))o!;
            exchange.Cancelled = true;
            channel.Wake();
        }, (this, x)))
        {
            try
            {
                return await x.Done.Task.ConfigureAwait(false);
            }
            catch (TaskCanceledException) when (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException(ct);
            }
        }
    }

    private void Fail(string reason)
    {
        var error = new IOException($"{Name}: {reason}");
        _failed = true;
        _received.Writer.TryComplete(error);
        if (Volatile.Read(ref _exchange) is { } x) FinishFailed(x, error);
    }

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
