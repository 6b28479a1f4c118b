namespace Gateway.Configuration;

/// <summary>
/// Applies a new, already validated configuration to the running gateway without a restart where it can
/// (devices, MQTT, policy, notifications, GPIO) and says which changed parts need a restart (listen addresses,
/// data directory). The settings API calls it after writing the file; a watch on the file and SIGHUP call it too.
/// </summary>
public interface IConfigApplier
{
    Task<ConfigApplyResult> ApplyAsync(GatewayConfig next, CancellationToken ct);
}
