namespace Gateway.Drivers.Nut;

/// <summary>What the <c>type: nut</c> driver needs to know (bound from the gateway's NutDeviceOptions).</summary>
public sealed record NutDriverSettings(
    string DeviceId,
    string Host,
    int Port,
    string Ups,
    string? Username,
    string? Password,
    TimeSpan PollInterval,
    TimeSpan Timeout,
    NutTlsSettings? Tls = null)
{
    public string Endpoint => $"{Ups}@{Host}:{Port}";
}
