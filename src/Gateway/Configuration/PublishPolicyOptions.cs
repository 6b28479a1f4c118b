namespace Gateway.Configuration;

/// <summary>
/// <c>mqtt.publish:</c> — how often a device's state reaches Home Assistant (every state change there is a row in
/// its recorder). A change of a status, a flag or any other text is published at once; a number only when it moved
/// by more than <see cref="DeadbandPercent"/> of the value last published, and at most once per
/// <see cref="MinInterval"/>. <see cref="Rules"/> set both per device and per entity (the most specific wins).
/// </summary>
public sealed record PublishPolicyOptions : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("min_interval", MinInterval);
        w.Add("deadband_percent", DeadbandPercent);
        w.Add("rules", Rules);
    }

    public TimeSpan MinInterval { get; init; } = TimeSpan.FromSeconds(5);
    public double DeadbandPercent { get; init; } = 1;
    public IReadOnlyList<PublishRule> Rules { get; init; } = [];

    /// <summary>The minimum interval and deadband that apply to one entity of one device.</summary>
    public (TimeSpan MinInterval, double DeadbandPercent) For(string device, string entity)
    {
        TimeSpan? interval = null;
        double? deadband = null;
        foreach (var r in Rules)
        {
            if (r.Device != device || r.Entity != entity) continue;
            interval ??= r.MinInterval;
            deadband ??= r.DeadbandPercent;
        }
        foreach (var r in Rules)
        {
            if (r.Device != device || r.Entity is not null) continue;
            interval ??= r.MinInterval;
            deadband ??= r.DeadbandPercent;
        }
        return (interval ?? MinInterval, deadband ?? DeadbandPercent);
    }

    internal static PublishPolicyOptions Bind(ConfigSection s)
    {
        var rules = new List<PublishRule>();
        foreach (var r in s.Sections("rules"))
        {
            var device = r.RequiredString("device");
            var entity = r.OptionalString("entity");
            TimeSpan? interval = r.Has("min_interval") ? r.Duration("min_interval", TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromHours(1)) : null;
            double? deadband = r.Has("deadband_percent") ? r.Double("deadband_percent", 0, 0, 100) : null;
            if (interval is null && deadband is null) r.Error("device", "a rule needs min_interval or deadband_percent (or both)");
            rules.Add(new PublishRule(device, entity, interval, deadband));
        }
        return new PublishPolicyOptions
        {
            MinInterval = s.Duration("min_interval", TimeSpan.FromSeconds(5), TimeSpan.Zero, TimeSpan.FromHours(1)),
            DeadbandPercent = s.Double("deadband_percent", 1, 0, 100),
            Rules = rules.Count == 0 ? Array.Empty<PublishRule>() : rules.ToArray(),
        };
    }
}
