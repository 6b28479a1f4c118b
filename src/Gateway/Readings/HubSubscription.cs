using System.Threading.Channels;

namespace Gateway.Readings;

/// <summary>
/// One subscriber's view of the hub's change stream. It is bounded: a subscriber that falls behind loses its
/// oldest events (counted in <see cref="Dropped"/>) instead of slowing the drivers or other subscribers, and
/// can always read the current state from <see cref="ReadingHub.Snapshot"/>.
/// </summary>
public sealed class HubSubscription : IDisposable
{
    private readonly Channel<HubEvent> _channel;
    private readonly Action<HubSubscription> _onDispose;
    private long _dropped;

    internal HubSubscription(string name, int capacity, Action<HubSubscription> onDispose)
    {
        Name = name;
        _onDispose = onDispose;
        _channel = Channel.CreateBounded<HubEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false },
            _ => Interlocked.Increment(ref _dropped));
    }

    public string Name { get; }
    public ChannelReader<HubEvent> Reader => _channel.Reader;
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void Offer(HubEvent e) => _channel.Writer.TryWrite(e);

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _onDispose(this);
    }
}
