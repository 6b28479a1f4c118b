using Gateway.Configuration;

namespace Gateway.LiveApply;

/// <summary>
/// The configuration the gateway runs on now: <see cref="Boot"/> is what the process started with (what the parts
/// that apply only at start still use), <see cref="Current"/> the last configuration applied. Parts that follow
/// changes are told by the <see cref="ConfigApplier"/>; readers (the settings API, the status) read <see cref="Current"/>.
/// </summary>
public sealed class LiveConfig(GatewayConfig boot)
{
    private GatewayConfig _current = boot;
    private long _version;

    public GatewayConfig Boot { get; } = boot;

    public GatewayConfig Current => Volatile.Read(ref _current);

    /// <summary>0 at start, one more for every apply that changed something.</summary>
    public long Version => Interlocked.Read(ref _version);

    internal void Set(GatewayConfig next)
    {
        Volatile.Write(ref _current, next);
        Interlocked.Increment(ref _version);
    }
}
