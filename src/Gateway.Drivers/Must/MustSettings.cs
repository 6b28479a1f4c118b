using Gateway.Drivers.Serial;

namespace Gateway.Drivers.Must;

/// <summary>What the MUST driver needs from the configuration (<c>type: must</c>).</summary>
public sealed record MustSettings(
    string DeviceId,
    SerialSettings Serial,
    byte Slave = MustRegisterMap.DefaultSlave,
    TimeSpan? PollInterval = null,
    TimeSpan? SlowPollInterval = null,
    int LowBatteryPercent = 15)
{
    public TimeSpan Poll => PollInterval ?? TimeSpan.FromSeconds(1);
    public TimeSpan SlowPoll => SlowPollInterval ?? TimeSpan.FromSeconds(30);
}
