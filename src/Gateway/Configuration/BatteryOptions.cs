using System.Globalization;

namespace Gateway.Configuration;

/// <summary>
/// <c>battery:</c> — the protected UPS's battery: when it was installed and how long it is expected to last, for the
/// <c>battery_age</c> alarm (raised <see cref="WarnBefore"/> before the end of its expected life, and after it).
/// </summary>
/// <param name="Installed">Null when not configured (no age alarm).</param>
public sealed record BatteryOptions(DateOnly? Installed, double ExpectedLifeYears, TimeSpan WarnBefore) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("installed", Installed);
        w.Add("expected_life_years", ExpectedLifeYears);
        w.Add("warn_before", WarnBefore);
        w.Add("self_test", SelfTest);
        // Derived, but ChangedKeys has always named it beside installed / expected_life_years (the JSON fingerprint did).
        w.Add("end_of_life", EndOfLife);
    }

    public static readonly BatteryOptions Default = new(null, 4, TimeSpan.FromDays(90));

    /// <summary><c>battery.self_test</c>: the scheduled battery self-test (off by default).</summary>
    public BatterySelfTestOptions SelfTest { get; init; } = BatterySelfTestOptions.Default;

    /// <summary>The day the battery reaches its expected life (null without an install date).</summary>
    public DateOnly? EndOfLife => Installed?.AddDays((int)Math.Round(ExpectedLifeYears * 365.25));

    /// <param name="protectedUps">The UPS the policy protects, which the self-tests are for.</param>
    internal static BatteryOptions Bind(ConfigSection s, DeviceOptions? protectedUps)
    {
        DateOnly? installed = null;
        if (s.OptionalString("installed") is { } text)
        {
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) installed = d;
            else s.Error("installed", $"expected the install date as YYYY-MM-DD (e.g. 2024-05-01), got '{text}'");
        }
        return new BatteryOptions(installed,
            s.Double("expected_life_years", Default.ExpectedLifeYears, 0.5, 20),
            s.Duration("warn_before", Default.WarnBefore, TimeSpan.Zero, TimeSpan.FromDays(730)))
        {
            SelfTest = BatterySelfTestOptions.Bind(s.Section("self_test"), protectedUps),
        };
    }
}
