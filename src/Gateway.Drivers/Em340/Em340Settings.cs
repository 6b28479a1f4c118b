using Gateway.Drivers.Serial;

namespace Gateway.Drivers.Em340;

/// <summary>What the EM340 driver needs from the configuration (<c>type: em340</c>).</summary>
public sealed record Em340Settings(
    string DeviceId,
    SerialSettings Serial,
    byte Address = Em340RegisterMap.DefaultAddress,
    TimeSpan? PollInterval = null,
    TimeSpan? InterRequestDelay = null)
{
    public TimeSpan Poll => PollInterval ?? TimeSpan.FromSeconds(1);
    /// <summary>The meter wants at least 40 ms between a reply and the next query.</summary>
    public TimeSpan Gap => InterRequestDelay ?? TimeSpan.FromMilliseconds(40);
}
