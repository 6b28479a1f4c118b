namespace Gateway.Configuration;

/// <summary>
/// <c>shutdown.restore:</c> — when mains is back and stable and the battery has recharged enough, wake what the
/// outage shut down or shed (Wake-on-LAN, in the listed order) and start shed containers and VMs again.
/// </summary>
/// <param name="StableFor">Mains (OL, not OB) without a break for this long before anything is woken.</param>
/// <param name="MinCharge">…and the battery at least this charged (%), so a second outage does not find it empty.</param>
/// <param name="Deadline">Per host: keep waking until it answers, at most this long, then go on to the next.</param>
/// <param name="ResendEvery">Send the magic packet again this often while the host does not answer.</param>
public sealed record RestoreOptions(bool Enabled, TimeSpan StableFor, double MinCharge, TimeSpan Deadline, TimeSpan ResendEvery, IReadOnlyList<WakeHostOptions> Wake) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("stable_for", StableFor);
        w.Add("min_charge", MinCharge);
        w.Add("deadline", Deadline);
        w.Add("resend_every", ResendEvery);
        w.Add("wake", Wake);
    }

    public static readonly RestoreOptions Default = new(true, TimeSpan.FromMinutes(2), 50, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30), []);

    internal static RestoreOptions Bind(ConfigSection s)
    {
        var wake = s.Sections("wake").Select(WakeHostOptions.Bind).ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in wake)
            if (w.Name.Length > 0 && !names.Add(w.Name)) s.Error("wake", $"wake host '{w.Name}' is listed twice");
        return new RestoreOptions(
            s.Bool("enabled", Default.Enabled),
            s.Duration("stable_for", Default.StableFor, TimeSpan.Zero, TimeSpan.FromHours(6)),
            s.Double("min_charge", Default.MinCharge, 0, 100),
            s.Duration("deadline", Default.Deadline, TimeSpan.FromSeconds(1), TimeSpan.FromHours(2)),
            s.Duration("resend_every", Default.ResendEvery, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(30)),
            wake);
    }
}
