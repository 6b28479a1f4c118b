using Gateway.Drivers.Serial;

namespace Gateway.Drivers.Must;

/// <summary>What the MUST driver needs from the configuration (<c>type: must</c>).</summary>
public sealed record MustSettings(
    string DeviceId,
    SerialSettings Serial,
    byte Slave = MustRegisterMap.DefaultSlave,
    TimeSpan? PollInterval = null,
    TimeSpan? SlowPollInterval = null,
    int LowBatteryPercent = 15,
    TimeSpan? StatusInterval = null)
{
    public static readonly TimeSpan DefaultStatusInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How often the work state is read alone between full polls; none when not shorter than the poll interval.</summary>
    public TimeSpan? Status => (StatusInterval ?? DefaultStatusInterval) is var s && s > TimeSpan.Zero && s < Poll ? s : null;
    public TimeSpan Poll => PollInterval ?? TimeSpan.FromSeconds(1);
    public TimeSpan SlowPoll => SlowPollInterval ?? TimeSpan.FromSeconds(30);
}
