namespace Gateway.Configuration;

/// <summary>
/// <c>shutdown.power_cycle:</c> — at the end of a real sequence the UPS is told to cut its output and to restore it
/// when mains returns (<c>shutdown.return</c>), so machines set to power on with AC come back by themselves.
/// </summary>
/// <param name="Delay">How long after the local step starts the command is sent (this host must be halted by then).</param>
public sealed record PowerCycleOptions(bool Enabled, TimeSpan Delay) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("delay", Delay);
    }

    public static readonly PowerCycleOptions Default = new(true, TimeSpan.FromSeconds(10));

    internal static PowerCycleOptions Bind(ConfigSection s) => new(
        s.Bool("enabled", Default.Enabled),
        s.Duration("delay", Default.Delay, TimeSpan.Zero, TimeSpan.FromMinutes(10)));
}
