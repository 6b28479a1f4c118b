namespace Gateway.Configuration;

/// <summary>
/// <c>mqtt.compat_must_monitor:</c> — publishes the MUST EP20 monitor's JSON document (its field names, e.g.
/// <c>battery_level</c>) on its topic, so Home Assistant YAML written for that tool keeps working while the user moves
/// to discovery. Off by default.
/// </summary>
public sealed record CompatMustMonitorOptions : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("topic", Topic);
        w.Add("device", Device);
        w.Add("interval", Interval);
    }

    public bool Enabled { get; init; }
    public string Topic { get; init; } = "ups/telemetry";
    /// <summary>The UPS device whose readings fill the document; null: the protected UPS, else the first UPS device.</summary>
    public string? Device { get; init; }
    /// <summary>The document is sent at least this often, and at once when the UPS goes on battery or back.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    internal static CompatMustMonitorOptions Bind(ConfigSection s, IReadOnlyCollection<string>? upsIds)
    {
        var o = new CompatMustMonitorOptions
        {
            Enabled = s.Bool("enabled", false),
            Topic = s.String("topic", "ups/telemetry").Trim('/'),
            Device = s.OptionalString("device"),
            Interval = s.Duration("interval", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        };
        if (o.Topic.Length == 0 || o.Topic.Contains('#', StringComparison.Ordinal) || o.Topic.Contains('+', StringComparison.Ordinal))
            s.Error("topic", $"must be a plain topic without '#' or '+' (the old tool's was ups/telemetry), got '{o.Topic}'");
        if (o.Enabled && o.Device is null && upsIds is { Count: 0 })
            s.Warning("enabled", "there is no UPS device to describe, so nothing is published; add a must or nut device, or turn this off");
        if (o.Device is { } device && upsIds is not null && !upsIds.Contains(device))
            s.Error("device", $"'{device}' is not a UPS device of this configuration" + (upsIds.Count > 0 ? $" (UPS devices: {string.Join(", ", upsIds)})" : " (there is none)"));
        return o;
    }
}
