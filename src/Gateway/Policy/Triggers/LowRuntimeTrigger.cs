using Gateway.Configuration;

namespace Gateway.Policy.Triggers;

/// <summary>Remaining runtime (<c>battery.runtime</c>) below <c>critical_runtime</c> while on battery.</summary>
public sealed class LowRuntimeTrigger : IShutdownTrigger
{
    public string Name => "runtime";

    public TriggerHit? Check(TriggerContext c)
    {
        if (!c.OnBattery || c.Runtime is not { } runtime || runtime >= c.Options.CriticalRuntime) return null;
        return new TriggerHit(Name, $"remaining runtime {Duration.Format(runtime)} is below {Duration.Format(c.Options.CriticalRuntime)} on battery");
    }

    public TimeSpan? EstimateTimeToFire(TriggerContext c)
    {
        if (c.Runtime is not { } runtime) return null;
        var left = runtime - c.Options.CriticalRuntime;
        return left <= TimeSpan.Zero ? TimeSpan.Zero : left;
    }
}
