using Gateway.Drivers.Serial;

namespace Gateway.Drivers.Em340;

/// <summary>What the EM340 driver needs from the configuration (<c>type: em340</c>).</summary>
/// <param name="EnergyInterval">How often the slow tier (energy counters, demand) is read; 0 or at most the poll interval = every poll.</param>
public sealed record Em340Settings(
    string DeviceId,
    SerialSettings Serial,
    byte Address = Em340RegisterMap.DefaultAddress,
    TimeSpan? PollInterval = null,
    TimeSpan? InterRequestDelay = null,
    TimeSpan? EnergyInterval = null)
{
    /// <summary>
    /// 2 s: the meter's values reach Home Assistant at most every few seconds anyway, and every request costs a
    /// Pi Zero CPU time; the meter itself refreshes once a second (1 s may be configured).
    /// </summary>
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromSeconds(2);
    /// <summary>Counters move slowly and history keeps 10 s rows.</summary>
    public static readonly TimeSpan DefaultEnergy = TimeSpan.FromSeconds(10);

    public TimeSpan Poll => PollInterval ?? DefaultPoll;
    public TimeSpan Energy => EnergyInterval ?? DefaultEnergy;
    /// <summary>The meter wants at least 40 ms between a reply and the next query.</summary>
    public TimeSpan Gap => InterRequestDelay ?? TimeSpan.FromMilliseconds(40);
}
