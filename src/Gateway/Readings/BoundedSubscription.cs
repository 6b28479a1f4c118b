using System.Threading.Channels;

namespace Gateway.Readings;

/// <summary>
/// One subscriber's bounded queue. A subscriber that falls behind loses its oldest items (counted in
/// <see cref="Dropped"/>) instead of slowing the publisher or other subscribers.
/// </summary>
public abstract class BoundedSubscription<T> : IDisposable
{
    private readonly Channel<T> _channel;
    private readonly Action<BoundedSubscription<T>> _onDispose;
    private long _dropped;
    private readonly Action? _wake;

    /// <param name="inline">
    /// The reader's loop resumes on the publisher's thread (no thread hand-off, no wake-up of a pool thread) when it
    /// was waiting for the item. Only for readers whose work per item is short, in memory and never blocks.
    /// </param>
    /// <param name="wake">
    /// Called on the publisher's thread after each item is queued (and at the end): for a reader on its own thread that
    /// sleeps on a <see cref="Gateway.Drivers.Threading.WakeSignal"/> and drains <see cref="Reader"/> with TryRead, so an item wakes
    /// that thread directly instead of a thread-pool thread. It must only signal.
    /// </param>
    private protected BoundedSubscription(string name, int capacity, Action<BoundedSubscription<T>> onDispose, bool inline = false, Action? wake = null)
    {
        _wake = wake;
        Name = name;
        Inline = inline;
        _onDispose = onDispose;
        _channel = Channel.CreateBounded<T>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = inline,
            },
            _ => Interlocked.Increment(ref _dropped));
    }

    public string Name { get; }

    /// <summary>The reader runs on the publisher's thread (see the constructor).</summary>
    public bool Inline { get; }
    public ChannelReader<T> Reader => _channel.Reader;
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void Offer(T item)
    {
        _channel.Writer.TryWrite(item);
        _wake?.Invoke();
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _onDispose(this);
        _wake?.Invoke();
    }
}
