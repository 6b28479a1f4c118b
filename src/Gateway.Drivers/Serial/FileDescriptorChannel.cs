using System.Threading.Channels;

namespace Gateway.Drivers.Serial;

/// <summary>
/// Owns one open file descriptor (tty, pty master or slave) and a reader thread that waits in poll() and
/// hands received bytes to async readers. One thread per open port keeps thread-pool threads free. The thread
/// sleeps in poll() without a timeout, so an idle port costs no wake-ups; <see cref="Dispose"/> wakes it through
/// an eventfd in the same poll set and waits for it to end before either descriptor is closed.
/// <para>
/// The thread also runs callers' code: a poll loop's wait (<see cref="DelayAsync"/>) and an exchange started on
/// this thread complete here. Two rules keep that safe. (1) Whatever is left when the thread ends (an exchange,
/// waits) is failed on the thread pool with the port's error, and the end is a flag set under <see cref="_delays"/>'s
/// lock: a wait or exchange added after it sees the flag and fails at once (<c>IsAlive</c> is no such test: the
/// thread is still alive while it drains). (2) Whoever closes the port may hold a lock (the bus's) that caller code running here
/// needs: <see cref="Dispose"/> then does not wait for this thread; the thread closes the descriptors as it ends.
/// </para>
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
    /// <summary>The exchange object kept for the next exchange (see <see cref="ExchangeAsync"/>).</summary>
    private PendingExchange? _spare;
    private readonly List<PendingDelay> _delays = [];
    private IOException? _failure;
    /// <summary>Set (under <see cref="_delays"/>'s lock) once the reader has left its loop: nothing added later is seen by it.</summary>
    private volatile bool _ended;
    /// <summary>Set (under <see cref="_delays"/>'s lock) by a <see cref="Dispose"/> that did not wait: the reader closes the descriptors.</summary>
    private bool _closeOnEnd;
    /// <summary>1 while this thread runs a caller's continuation (see <see cref="EnterCallback"/>).</summary>
    private int _inCallback;

    /// <summary>A poll loop's wait (see <see cref="DelayAsync"/>); its caller goes on on the reader thread.</summary>
    private sealed class PendingDelay(long due)
    {
        public long Due { get; } = due;
        public TaskCompletionSource Done { get; } = new();
    }

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
                if (!DelaysDue(ref timeout)) continue;
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
                    fixed (byte* p = into.Reply.Span) n = Libc.Read(_fd, p + into.Received, into.Reply.Length - into.Received);
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
            bool close;
            PendingDelay[] left;
            lock (_delays)
            {
                _ended = true;
                close = _closeOnEnd;
                left = [.. _delays];
                _delays.Clear();
            }
            // On the thread pool: whoever closes the port may hold a lock while it waits for this thread to end, and
            // a caller resumed here could need that lock.
            var error = Closed();
            if (Volatile.Read(ref _exchange) is { } x)
                ThreadPool.UnsafeQueueUserWorkItem(static o => o.Channel.FinishFailed(o.Exchange, o.Version, o.Error), (Channel: this, Exchange: x, x.Version, Error: error), preferLocal: false);
            // A wait cut short by the port's end fails: a loop that simply went on would believe its time had come,
            // and one with nothing to ask until its next full poll would wait again, and again, and never find out.
            foreach (var d in left) ThreadPool.UnsafeQueueUserWorkItem(static o => o.Delay.Done.TrySetException(o.Error), (Delay: d, Error: error), preferLocal: false);
            if (close) CloseDescriptors();
            Interlocked.Decrement(ref s_liveReaders);
        }
    }

    /// <summary>
    /// Before this thread runs a caller's continuation: false when the port is being closed (complete it on the pool
    /// instead). Paired with <see cref="Dispose"/>, which sets <see cref="_disposed"/> and then reads
    /// <see cref="_inCallback"/>: one of the two sees the other, so Dispose never waits for a continuation that may
    /// be waiting for a lock Dispose's caller holds.
    /// </summary>
    private bool EnterCallback()
    {
        Interlocked.Exchange(ref _inCallback, 1);
        if (!_disposed) return true;
        Volatile.Write(ref _inCallback, 0);
        return false;
    }

    private void LeaveCallback() => Volatile.Write(ref _inCallback, 0);

    /// <summary>See <see cref="IExchangeTransport.DelayAsync"/>.</summary>
    public Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        if (_disposed || _failed) return Task.FromException(Closed());
        if (delay <= TimeSpan.Zero) return Task.CompletedTask;
        var d = new PendingDelay(System.Diagnostics.Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));
        lock (_delays)
        {
            // The reader has drained its waits and will not see this one: the port is closing, say so now.
            if (_ended) return Task.FromException(Closed());
            _delays.Add(d);
        }
        if (Thread.CurrentThread != _reader) Wake();
        if (ct.CanBeCanceled)
        {
            var registration = ct.Register(static o =>
            {
                var (channel, delay) = ((FileDescriptorChannel, PendingDelay))o!;
                lock (channel._delays) channel._delays.Remove(delay);
                delay.Done.TrySetCanceled();
            }, (this, d));
            d.Done.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return d.Done.Task;
    }

    /// <summary>Completes the delays that are due (their callers go on on this thread); false when some were (look again).</summary>
    private bool DelaysDue(ref int timeout)
    {
        PendingDelay? due = null;
        var next = long.MaxValue;
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        lock (_delays)
        {
            if (_delays.Count == 0) return true;
            for (var i = 0; i < _delays.Count; i++)
            {
                if (_delays[i].Due <= now)
                {
                    due = _delays[i];
                    _delays.RemoveAt(i);
                    break;
                }
                if (_delays[i].Due < next) next = _delays[i].Due;
            }
        }
        if (due is not null)
        {
            if (EnterCallback())
            {
                try { due.Done.TrySetResult(); }
                finally { LeaveCallback(); }
            }
            else ThreadPool.UnsafeQueueUserWorkItem(static d => d.Done.TrySetResult(), due, preferLocal: false);
            return false;
        }
        var ms = CeilingMs(next - now);
        if (timeout < 0 || ms < timeout) timeout = ms;
        return true;
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
            FinishFailed(x, x.Version, null);
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
                FinishFailed(x, x.Version, e);
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
            return x.Complete(x.Reply.Span[..x.Received]);
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
        var outcome = new ExchangeOutcome(x.Received, timedOut, x.Stale);
        var version = x.Version;
        if (!x.Inline) x.TrySetResult(version, outcome);
        else if (EnterCallback())
        {
            try { x.TrySetResult(version, outcome); }
            finally { LeaveCallback(); }
        }
        else ThreadPool.UnsafeQueueUserWorkItem(static o => o.Exchange.TrySetResult(o.Version, o.Outcome), (Exchange: x, Version: version, Outcome: outcome), preferLocal: false);
    }

    /// <summary>
    /// Fails use <paramref name="version"/> of the exchange (nothing when it is over); on the reader thread only when
    /// its caller resumes elsewhere (see <see cref="Finish"/>). A null error means cancelled.
    /// </summary>
    private void FinishFailed(PendingExchange x, short version, Exception? error)
    {
        Interlocked.CompareExchange(ref _exchange, null, x);
        if (x.Inline && Thread.CurrentThread == _reader)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static o => Fail(o.Exchange, o.Version, o.Error), (Exchange: x, Version: version, Error: error), preferLocal: false);
            return;
        }
        Fail(x, version, error);

        static void Fail(PendingExchange x, short version, Exception? error) =>
            x.TrySetException(version, error ?? new OperationCanceledException());
    }

    /// <summary>
    /// See <see cref="IExchangeTransport.ExchangeAsync"/>; one exchange at a time (the Modbus master's gate ensures it).
    /// The port's one <see cref="PendingExchange"/> is used again by the next exchange once this one's result is taken.
    /// </summary>
    public async Task<ExchangeOutcome> ExchangeAsync(ReadOnlyMemory<byte> request, TimeSpan quiet, TimeSpan timeout, Memory<byte> reply, ReplyComplete complete, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        var quietUntil = System.Diagnostics.Stopwatch.GetTimestamp() + (quiet > TimeSpan.Zero ? (long)(quiet.TotalSeconds * System.Diagnostics.Stopwatch.Frequency) : 0);
        var onReader = Thread.CurrentThread == _reader;
        var x = Interlocked.Exchange(ref _spare, null) ?? new PendingExchange();
        x.Start(request, quietUntil, timeout, reply, complete, onReader);
        var version = x.Version;
        if (Interlocked.CompareExchange(ref _exchange, x, null) is not null)
            throw new InvalidOperationException($"{Name}: an exchange is already running");
        if (!onReader) Wake();
        // The reader may have ended (device gone, disposed) before it saw the exchange: then nobody else finishes it.
        // _ended is set before the reader looks at _exchange for the last time, and _exchange was set above.
        if (_failed || _disposed || _ended) FinishFailed(x, version, Closed());
        try
        {
            using (ct.Register(static o =>
            {
                var (channel, exchange) = ((FileDescriptorChannel, PendingExchange))o!;
                exchange.Cancelled = true;
                channel.Wake();
            }, (this, x)))
            {
                return await x.Task.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        finally
        {
            // The result is taken and the registration gone (its Dispose waits for a running callback): free to reuse.
            x.Clear();
            Volatile.Write(ref _spare, x);
        }
    }

    /// <summary>Why the port is no longer usable: the reader's failure, else closed.</summary>
    private IOException Closed() => _failure ?? new IOException($"{Name}: closed");

    /// <summary>On the reader thread, which then ends: its end fails the exchange and the waits, on the pool.</summary>
    private void Fail(string reason)
    {
        var error = new IOException($"{Name}: {reason}");
        _failure = error;
        _failed = true;
        _received.Writer.TryComplete(error);
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
                        var pfd = new Libc.PollFd { fd = _fd, events = Libc.POLLOUT };
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
        if (Volatile.Read(ref _closed) != 0) return;
        ulong one = 1;
        Libc.Write(_wake, (byte*)&one, sizeof(ulong));
    }

    public void Dispose()
    {
        // Once only: a second close of either number could close a descriptor someone else opened meanwhile.
        if (Interlocked.Exchange(ref _disposing, 1) != 0) return;
        _disposed = true;
        Interlocked.MemoryBarrier();
        Wake();
        if (Thread.CurrentThread == _reader || Volatile.Read(ref _inCallback) != 0)
        {
            // The reader runs a caller's code (maybe this very call), which may wait for a lock our caller holds:
            // do not wait for it; it closes the descriptors as it ends (or now, if it already has).
            bool closeNow;
            lock (_delays)
            {
                closeNow = _ended;
                _closeOnEnd = !_ended;
            }
            if (closeNow) CloseDescriptors();
            _received.Writer.TryComplete(new IOException($"{Name}: closed"));
            return;
        }
        if (!_reader.Join(TimeSpan.FromSeconds(10)))
        {
            // Closing a descriptor under a thread blocked in poll() on it does not wake that thread, and the number
            // could be reused: leave both open rather than risk it (never seen; the eventfd write wakes it).
            _received.Writer.TryComplete(new IOException($"{Name}: closed"));
            return;
        }
        CloseDescriptors();
        _received.Writer.TryComplete(new IOException($"{Name}: closed"));
    }

    private int _closed;

    /// <summary>Both descriptors are closed (tests).</summary>
    internal bool DescriptorsClosed => Volatile.Read(ref _closed) != 0;

    private void CloseDescriptors()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        Libc.Close(_fd);
        Libc.Close(_wake);
    }
}
