namespace Gateway.Readings;

/// <summary>
/// One subscriber's view of the hub's change stream (bounded: see <see cref="BoundedSubscription{T}"/>). A
/// subscriber that fell behind can always read the current state from <see cref="ReadingHub.Snapshot"/>.
/// A subscriber that reads only some events says which (<see cref="Wants"/>): the others are not queued, so they
/// do not wake it (each wake is a thread hand-off; a meter reading need not wake the UPS policy). A subscriber
/// whose work per event is short and in memory reads inline, on the publisher's thread, and costs no hand-off.
/// </summary>
public sealed class HubSubscription : BoundedSubscription<HubEvent>
{
    private readonly Func<HubEvent, bool>? _wants;

    internal HubSubscription(string name, int capacity, Action<BoundedSubscription<HubEvent>> onDispose, Func<HubEvent, bool>? wants, bool inline, Action? wake = null)
        : base(name, capacity, onDispose, inline, wake) => _wants = wants;

    public bool Wants(HubEvent e) => _wants is null || _wants(e);
}
