namespace Gateway.Readings;

/// <summary>
/// One subscriber's view of the hub's change stream (bounded: see <see cref="BoundedSubscription{T}"/>). A
/// subscriber that fell behind can always read the current state from <see cref="ReadingHub.Snapshot"/>.
/// </summary>
public sealed class HubSubscription : BoundedSubscription<HubEvent>
{
    internal HubSubscription(string name, int capacity, Action<BoundedSubscription<HubEvent>> onDispose) : base(name, capacity, onDispose) { }
}
