using System.Threading.Channels;

namespace Gateway.Readings;

/// <summary>One subscriber's bounded queue of gateway events; a subscriber that falls behind loses the oldest (counted).</summary>
public sealed class EventSubscription : IDisposable
{
    private readonly Channel<GatewayEvent> _channel;
    private readonly Action<EventSubscription> _onDispose;
    private long _dropped;

    internal EventSubscription(string name, int capacity, Action<EventSubscription> onDispose)
    {
        Name = name;
        _onDispose = onDispose;
        _channel = Channel.CreateBounded<GatewayEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public string Name { get; }
    public ChannelReader<GatewayEvent> Reader => _channel.Reader;
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void Offer(GatewayEvent e) => _channel.Writer.TryWrite(e);

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _onDispose(this);
    }
}
