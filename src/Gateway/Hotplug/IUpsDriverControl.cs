namespace Gateway.Hotplug;

/// <summary>Starts and stops the local NUT driver of one UPS.</summary>
public interface IUpsDriverControl
{
    Task<bool> RestartAsync(string upsName, CancellationToken ct);
    Task<bool> StopAsync(string upsName, CancellationToken ct);
}
