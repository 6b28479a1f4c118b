using System.Globalization;

namespace Gateway.Configuration;

/// <summary>
/// <c>battery.self_test:</c> — a scheduled battery self-test (<c>test.battery.start</c>) on the protected UPS when it
/// is a <c>type: nut</c> UPS. Off by default. Due every <see cref="Interval"/>, at the first <see cref="At"/> (local
/// time) after that; <see cref="Timeout"/> bounds how long its OB readings are not taken for an outage.
/// </summary>
public sealed record BatterySelfTestOptions(bool Enabled, TimeSpan Interval, TimeOnly At, TimeSpan Timeout) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("interval", Interval);
        w.Add("at", At);
        w.Add("timeout", Timeout);
    }

    public static readonly BatterySelfTestOptions Default = new(false, TimeSpan.FromDays(30), new TimeOnly(3, 0), TimeSpan.FromMinutes(10));

    internal static BatterySelfTestOptions Bind(ConfigSection s, DeviceOptions? protectedUps)
    {
        var at = Default.At;
        if (s.OptionalString("at") is { } text)
        {
            if (TimeOnly.TryParseExact(text, "H:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) at = t;
            else s.Error("at", $"expected the local time of day for the self-test as HH:MM, 24-hour (e.g. \"03:00\"), got '{text}'");
        }
        var enabled = s.Bool("enabled", Default.Enabled);
        if (enabled && protectedUps is not { Type: "nut" })
            s.Warning("enabled", protectedUps is { } ups
                ? $"self-tests are started through NUT (test.battery.start), but the protected UPS '{ups.Id}' is a {ups.Type} UPS: none will run; protect a type: nut UPS or remove battery.self_test"
                : "self-tests run on the protected UPS, and there is none (no UPS device, or several and no policy.protect): none will run; set policy.protect to a type: nut UPS");
        return new BatterySelfTestOptions(
            enabled,
            s.Duration("interval", Default.Interval, TimeSpan.FromDays(1), TimeSpan.FromDays(366)),
            at,
            s.Duration("timeout", Default.Timeout, TimeSpan.FromMinutes(1), TimeSpan.FromHours(2)));
    }
}
