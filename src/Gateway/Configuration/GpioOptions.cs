namespace Gateway.Configuration;

/// <summary><c>gpio:</c> — status LED and buzzer. Without GPIO hardware the gateway logs once and goes on.</summary>
public sealed record GpioOptions : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("chip", Chip);
        w.Add("led_pin", LedPin);
        w.Add("buzzer_pin", BuzzerPin);
        w.Add("active_low", ActiveLow);
        w.Add("buzzer_quiet_hours", BuzzerQuietHours);
    }

    public bool Enabled { get; init; } = true;
    /// <summary>gpiochip number; null = pick by /proc/device-tree/model (Pi 5 differs).</summary>
    public int? Chip { get; init; }
    public int? LedPin { get; init; }
    public int? BuzzerPin { get; init; }
    public bool ActiveLow { get; init; }
    /// <summary>"22:00-07:00": the periodic on-battery beep is muted in this window.</summary>
    public string? BuzzerQuietHours { get; init; }

    internal static GpioOptions Bind(ConfigSection s)
    {
        var quiet = s.OptionalString("buzzer_quiet_hours");
        if (quiet is not null && !TryParseQuietHours(quiet, out _, out _))
            s.Error("buzzer_quiet_hours", $"expected HH:MM-HH:MM (e.g. 22:00-07:00), got '{quiet}'");
        return new GpioOptions
        {
            Enabled = s.Bool("enabled", true),
            Chip = s.Has("chip") ? s.Int("chip", 0, 0, 64) : null,
            LedPin = s.Has("led_pin") ? s.Int("led_pin", 0, 0, 1000) : null,
            BuzzerPin = s.Has("buzzer_pin") ? s.Int("buzzer_pin", 0, 0, 1000) : null,
            ActiveLow = s.Bool("active_low", false),
            BuzzerQuietHours = quiet,
        };
    }

    public static bool TryParseQuietHours(string text, out TimeOnly from, out TimeOnly to)
    {
        from = to = default;
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && TimeOnly.TryParseExact(parts[0], "H:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out from)
            && TimeOnly.TryParseExact(parts[1], "H:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out to);
    }
}
