namespace Gateway.Hosting;

/// <summary>
/// A part of the gateway that reports its own state in /api/health (MQTT session, NUT server, …).
/// Register implementations as singletons of this interface.
/// </summary>
public interface IHealthContributor
{
    string Name { get; }

    /// <summary>Current state; <see cref="ComponentHealth.Healthy"/> false makes the overall status "degraded" (not 503).</summary>
    ComponentHealth Check();
}

/// <param name="State">A short word: connected, listening, disabled, reconnecting, …</param>
public sealed record ComponentHealth(string State, bool Healthy, string? Detail = null);
