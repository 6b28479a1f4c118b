using Gateway.Configuration;

namespace Gateway.Indicators;

/// <summary><c>gpio.buzzer_quiet_hours</c>, e.g. 22:00-07:00 (local time; may wrap midnight; from == to is empty).</summary>
public sealed record QuietHours(TimeOnly From, TimeOnly To)
{
    public static QuietHours? Parse(string? text) =>
        text is not null && GpioOptions.TryParseQuietHours(text, out var from, out var to) ? new QuietHours(from, to) : null;

    public bool Contains(TimeOnly t) => From <= To ? t >= From && t < To : t >= From || t < To;
}
