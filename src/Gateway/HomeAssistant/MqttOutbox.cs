namespace Gateway.HomeAssistant;

/// <summary>
/// What the gateway wants to say on MQTT, held while the broker is away. Retained topics keep only their latest
/// value (a state document changed 1,000 times is one message); events stay in order and are bounded, dropping
/// the oldest. Enqueueing never blocks and never waits for the broker. One sender thread takes the messages
/// (<see cref="WaitReady"/>, <see cref="TryDequeue"/>): a hand-off wakes that thread and nothing else, where an
/// awaited signal would queue a work item to the thread pool, whose worker wakes a second one to help.
/// </summary>
public sealed class MqttOutbox
{
    public const int DefaultMaxRetainedTopics = 4096;
    public const int DefaultMaxEvents = 1000;

    private readonly Lock _gate = new();
    private readonly OrderedDictionary<string, MqttOutboxMessage> _retained = new(StringComparer.Ordinal);
    private readonly LinkedList<MqttOutboxMessage> _events = new();
    private readonly int _maxRetainedTopics;
    private readonly int _maxEvents;
    // Set while messages may be waiting or a wake-up was asked for (Wake); reset by a TryDequeue that finds nothing.
    private readonly ManualResetEventSlim _ready = new(false, spinCount: 0);
    private long _dropped;
    private long _payloadBytes;

    public MqttOutbox(int maxRetainedTopics = DefaultMaxRetainedTopics, int maxEvents = DefaultMaxEvents)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRetainedTopics, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        _maxRetainedTopics = maxRetainedTopics;
        _maxEvents = maxEvents;
    }

    public int Count
    {
        get { lock (_gate) return _retained.Count + _events.Count; }
    }

    public int RetainedCount
    {
        get { lock (_gate) return _retained.Count; }
    }

    public int EventCount
    {
        get { lock (_gate) return _events.Count; }
    }

    /// <summary>Payload bytes held right now (the memory the outbox keeps besides topic strings).</summary>
    public long PayloadBytes
    {
        get { lock (_gate) return _payloadBytes; }
    }

    /// <summary>Messages lost because a bound was reached.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Enqueue(MqttOutboxMessage message)
    {
        lock (_gate)
        {
            if (message.Retain)
            {
                if (_retained.TryGetValue(message.Topic, out var older))
                {
                    _payloadBytes -= older.Payload.Length;
                    _retained[message.Topic] = message;
                }
                else
                {
                    if (_retained.Count >= _maxRetainedTopics)
                    {
                        _payloadBytes -= _retained.GetAt(0).Value.Payload.Length;
                        _retained.RemoveAt(0);
                        Interlocked.Increment(ref _dropped);
                    }
                    _retained.Add(message.Topic, message);
                }
                _payloadBytes += message.Payload.Length;
            }
            else
            {
                if (_events.First is { } oldest && _events.Count >= _maxEvents)
                {
                    _payloadBytes -= oldest.Value.Payload.Length;
                    _events.RemoveFirst();
                    Interlocked.Increment(ref _dropped);
                }
                _events.AddLast(message);
                _payloadBytes += message.Payload.Length;
            }
            _ready.Set();
        }
    }

    /// <summary>Takes the next message: retained values first (oldest topic first), then events in order.</summary>
    public bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MqttOutboxMessage? message)
    {
        lock (_gate)
        {
            if (_retained.Count > 0)
            {
                message = _retained.GetAt(0).Value;
                _retained.RemoveAt(0);
                _payloadBytes -= message.Payload.Length;
                return true;
            }
            if (_events.First is { } first)
            {
                message = first.Value;
                _events.RemoveFirst();
                _payloadBytes -= message.Payload.Length;
                return true;
            }
            message = null;
            _ready.Reset();
            return false;
        }
    }

    /// <summary>Puts back a message whose publish failed, unless a newer value for its topic arrived meanwhile.</summary>
    public void ReturnUnsent(MqttOutboxMessage message)
    {
        lock (_gate)
        {
            if (message.Retain)
            {
                if (!_retained.ContainsKey(message.Topic))
                {
                    if (_retained.Count >= _maxRetainedTopics)
                    {
                        Interlocked.Increment(ref _dropped);
                        return;
                    }
                    _retained.Insert(0, message.Topic, message);
                    _payloadBytes += message.Payload.Length;
                }
            }
            else
            {
                if (_events.Count >= _maxEvents)
                {
                    Interlocked.Increment(ref _dropped);
                    return;
                }
                _events.AddFirst(message);
                _payloadBytes += message.Payload.Length;
            }
            _ready.Set();
        }
    }

    /// <summary>
    /// Blocks the calling thread until a message may be waiting or <see cref="Wake"/> was called since the last
    /// <see cref="TryDequeue"/> that found nothing; throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public void WaitReady(CancellationToken cancellationToken) => _ready.Wait(cancellationToken);

    /// <summary>Ends a <see cref="WaitReady"/> with nothing to send, for the sender to look at something else.</summary>
    public void Wake() => _ready.Set();
}
