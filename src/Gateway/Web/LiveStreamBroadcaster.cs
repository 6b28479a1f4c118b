using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Gateway.Configuration;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Web.Alarms;
using Microsoft.Extensions.Hosting;

namespace Gateway.Web;

/// <summary>
/// The one producer behind every <c>/api/stream</c>: builds and serialises the <see cref="DashboardState"/> once per
/// change (bursts coalesced) and at least every <see cref="LiveStreamEndpoint.Refresh"/>, and hands the same bytes
/// to every open stream, so 30 dashboards cost one serialisation, not 30. Idle (no stream open) it builds nothing.
/// Also the cap: at most <c>web.max_streams</c> streams at once.
/// </summary>
public sealed class LiveStreamBroadcaster : BackgroundService
{
    /// <summary>One SSE frame (<c>event: state</c>) and the task that completes when the next one is ready.</summary>
    public sealed record Frame(long Version, ReadOnlyMemory<byte> Bytes, Task<Frame> Next);

    private readonly ReadingHub _hub;
    private readonly EventBus _events;
    private readonly AlarmMonitor _alarms;
    private readonly DeviceDirectory _directory;
    private readonly IPolicyStatusSource _policy;
    private readonly TimeProvider _time;
    private readonly int _maxStreams;
    private readonly Channel<bool> _dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _gate = new();
    private TaskCompletionSource<Frame> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Frame? _current;
    private int _streams;
    private long _serialisations;

    public LiveStreamBroadcaster(GatewayConfig config, ReadingHub hub, EventBus events, AlarmMonitor alarms, DeviceDirectory directory,
        IPolicyStatusSource policy, TimeProvider time)
    {
        _hub = hub;
        _events = events;
        _alarms = alarms;
        _directory = directory;
        _policy = policy;
        _time = time;
        _maxStreams = config.Web.MaxStreams;
    }

    public int Streams => Volatile.Read(ref _streams);
    public int MaxStreams => _maxStreams;
    /// <summary>How many times the state was serialised (for tests: not once per stream).</summary>
    public long Serialisations => Interlocked.Read(ref _serialisations);

    /// <summary>Takes a stream slot; false when <c>web.max_streams</c> are open.</summary>
    public bool TryOpen()
    {
        while (true)
        {
            var n = Volatile.Read(ref _streams);
            if (n >= _maxStreams) return false;
            if (Interlocked.CompareExchange(ref _streams, n + 1, n) == n)
            {
                if (n == 0) _dirty.Writer.TryWrite(true);
                return true;
            }
        }
    }

    public void Close() => Interlocked.Decrement(ref _streams);

    /// <summary>The latest frame, built now when none is current (the first stream, or after an idle spell).</summary>
    public Frame Current()
    {
        lock (_gate)
        {
            return _current ??= Build();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var hubSub = _hub.Subscribe("web-stream", 64, inline: true);
        using var eventSub = _events.Subscribe("web-stream", 64);
        var pumps = Task.WhenAll(Pump(hubSub.Reader, stoppingToken), Pump(eventSub.Reader, stoppingToken));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    // Nobody listening: no keep-alive timer; the first stream wakes this loop (see TryOpen).
                    if (Streams == 0) await _dirty.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false);
                    else await _dirty.Reader.WaitToReadAsync(stoppingToken).AsTask().WaitAsync(LiveStreamEndpoint.Refresh, _time, stoppingToken).ConfigureAwait(false);
                    await Task.Delay(LiveStreamEndpoint.Coalesce, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (TimeoutException) { }
                _dirty.Reader.TryRead(out _);
                lock (_gate)
                {
                    // Nobody listening: drop the frame so the next stream gets a fresh one, and serialise nothing.
                    if (Streams == 0)
                    {
                        _current = null;
                        continue;
                    }
                    var frame = Build();
                    _current = frame;
                }
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            lock (_gate) _next.TrySetCanceled();
            await pumps.ConfigureAwait(false);
        }
    }

    /// <summary>Serialises the state, completes the previous frame's <see cref="Frame.Next"/> with it. Called under the lock.</summary>
    private Frame Build()
    {
        var now = _time.GetUtcNow();
        var state = new DashboardState(now, TelemetryBuilder.Build(_hub, _alarms, _directory, now), PolicyReport.From(_policy.Current, now));
        var json = SerializedJsonResult.ApiBytes(state, WebReplyJsonContext.Default.DashboardState);
        var bytes = new byte[json.Length + 22];
        var n = Encoding.ASCII.GetBytes("event: state\ndata: ", bytes);
        json.CopyTo(bytes, n);
        n += json.Length;
        bytes[n++] = (byte)'\n';
        bytes[n++] = (byte)'\n';
        Interlocked.Increment(ref _serialisations);
        var previous = _next;
        _next = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        var frame = new Frame((_current?.Version ?? 0) + 1, bytes.AsMemory(0, n), _next.Task);
        previous.TrySetResult(frame);
        return frame;
    }

    private async Task Pump<T>(ChannelReader<T> from, CancellationToken ct)
    {
        try
        {
            // A change while nobody listens wakes nothing: the first stream gets a frame built when it opens.
            await foreach (var _ in from.ReadAllAsync(ct).ConfigureAwait(false))
                if (Streams > 0) _dirty.Writer.TryWrite(true);
        }
        catch (OperationCanceledException) { }
    }
}
