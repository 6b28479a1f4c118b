namespace Gateway.Configuration;

/// <summary>
/// One <c>mqtt.publish.rules</c> item: the publish policy of one device, or of one entity (a key of the device's
/// state document, e.g. <c>total_power</c>) of it. What it leaves out comes from the device rule, then the defaults.
/// </summary>
public sealed record PublishRule(string Device, string? Entity, TimeSpan? MinInterval, double? DeadbandPercent) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("device", Device);
        w.Add("entity", Entity);
        w.Add("min_interval", MinInterval);
        w.Add("deadband_percent", DeadbandPercent);
    }
}
