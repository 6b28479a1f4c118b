using Gateway.Configuration;

namespace Gateway.LiveApply;

/// <summary>
/// A part of the running gateway that takes a new configuration without a restart. Register implementations as
/// singletons of this interface; the <see cref="ConfigApplier"/> calls each one, in registration order, on every
/// apply that changed something, and each one looks at <see cref="ConfigChange"/> for what concerns it.
/// </summary>
public interface ILiveConfigTarget
{
    /// <summary>The section named in logs and results when applying fails (e.g. "devices").</summary>
    string Section { get; }

    Task ApplyAsync(ConfigChange change, GatewayConfig next, CancellationToken ct);
}
