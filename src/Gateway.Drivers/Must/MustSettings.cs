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
    TimeSpan? StatusInterval = null,
    TimeSpan? MainsPollInterval = null)
{
    public static readonly TimeSpan DefaultStatusInterval = TimeSpan.FromMilliseconds(250);
    /// <summary>NUT's drivers poll every 2 s by default (their <c>pollinterval</c>).</summary>
    public static readonly TimeSpan DefaultMainsPollInterval = TimeSpan.FromSeconds(2);

    /// <summary>How often the work state is read alone between full polls; none when not shorter than the poll interval.</summary>
    public TimeSpan? Status => (StatusInterval ?? DefaultStatusInterval) is var s && s > TimeSpan.Zero && s < Poll ? s : null;
    public TimeSpan Poll => PollInterval ?? TimeSpan.FromSeconds(1);
    /// <summary>
    /// How often the full poll runs while the UPS is on mains with nothing wrong; none (always <see cref="Poll"/>) when
    /// not longer than the poll interval, or without status reads: then nothing would see a power cut between full polls.
    /// </summary>
    public TimeSpan? MainsPoll => Status is not null && (MainsPollInterval ?? DefaultMainsPollInterval) is var m && m > Poll ? m : null;
    public TimeSpan SlowPoll => SlowPollInterval ?? TimeSpan.FromSeconds(30);
}
