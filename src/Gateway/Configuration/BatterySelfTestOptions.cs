using System.Globalization;

namespace Gateway.Configuration;

/// <summary>
/// <c>battery.self_test:</c> — a scheduled battery self-test (<c>test.battery.start</c>) on the protected UPS when it
/// is a <c>type: nut</c> UPS. Off by default. Due every <see cref="Interval"/>, at the first <see cref="At"/> (local
/// time) after that; <see cref="Timeout"/> bounds how long its OB readings are not taken for an outage.
/// </summary>
public sealed record BatterySelfTestOptions(bool Enabled, TimeSpan Interval, TimeOnly At, TimeSpan Timeout)
{
    public static readonly BatterySelfTestOptions Default = new(false, TimeSpan.FromDays(30), new TimeOnly(3, 0), TimeSpan.FromMinutes(10));

    internal static BatterySelfTestOptions Bind(ConfigSection s)
    {
        var at = Default.At;
        if (s.OptionalString("at") is { } text)
        {
            if (TimeOnly.TryParseExact(text, "H:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) at = t;
            else s.Error("at", $"expected the time of day as HH:MM (e.g. \"03:00\"), got '{text}'");
        }
        return new BatterySelfTestOptions(
            s.Bool("enabled", Default.Enabled),
            s.Duration("interval", Default.Interval, TimeSpan.FromDays(1), TimeSpan.FromDays(366)),
            at,
            s.Duration("timeout", Default.Timeout, TimeSpan.FromMinutes(1), TimeSpan.FromHours(2)));
    }
}
