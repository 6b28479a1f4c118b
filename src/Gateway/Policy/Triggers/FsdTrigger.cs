using Gateway.Drivers.Readings;

namespace Gateway.Policy.Triggers;

/// <summary>The UPS, or an upstream NUT primary, says forced shutdown. Fires on line power too: FSD is an order, not a measurement.</summary>
public sealed class FsdTrigger : IShutdownTrigger
{
    public string Name => "fsd";

    public TriggerHit? Check(TriggerContext c) =>
        c.Has(UpsStatusFlags.FSD) ? new TriggerHit(Name, $"forced shutdown (FSD) set by the UPS or the upstream NUT primary (status {c.Reading!.Status})") : null;

    public TimeSpan? EstimateTimeToFire(TriggerContext c) => null;
}
