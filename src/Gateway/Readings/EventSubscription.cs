namespace Gateway.Readings;

/// <summary>One subscriber's bounded queue of gateway events (see <see cref="BoundedSubscription{T}"/>).</summary>
public sealed class EventSubscription : BoundedSubscription<GatewayEvent>
{
    internal EventSubscription(string name, int capacity, Action<BoundedSubscription<GatewayEvent>> onDispose) : base(name, capacity, onDispose) { }
}
