using System.Globalization;
using Gateway.Configuration;

namespace Gateway.Web;

/// <summary>
/// Parses the <c>from</c>/<c>to</c> of a history query: ISO-8601 (<c>2026-05-01T10:00:00Z</c>), Unix seconds,
/// <c>now</c>, or relative to now (<c>-1h</c>, <c>-30m</c>, <c>-1d12h</c>).
/// </summary>
public static class TimeRange
{
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(400);

    public static bool TryParse(string? text, DateTimeOffset now, DateTimeOffset fallback, out DateTimeOffset value, out string? error)
    {
        error = null;
        value = fallback;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var s = text.Trim();
        if (s.Equals("now", StringComparison.OrdinalIgnoreCase))
        {
            value = now;
            return true;
        }
        if (s[0] == '-')
        {
            if (Duration.TryParse(s[1..], out var ago) && ago <= MaxSpan)
            {
                value = now - ago;
                return true;
            }
            error = $"'{s}' is not a relative time such as -1h, -30m or -7d (at most {MaxSpan.TotalDays:0} days back)";
            return false;
        }
        if (s.All(char.IsAsciiDigit) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var unix) && unix < 253402300800)
        {
            value = DateTimeOffset.FromUnixTimeSeconds(unix);
            return true;
        }
        // A '+' of an offset arrives as a space when the client did not encode it.
        foreach (var candidate in new[] { s, s.Replace(' ', '+') })
        {
            if (DateTimeOffset.TryParse(candidate, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var at))
            {
                value = at.ToUniversalTime();
                return true;
            }
        }
        error = $"'{s}' is not a time: use ISO-8601 (2026-05-01T10:00:00Z), Unix seconds, 'now' or a relative time such as -1h";
        return false;
    }
}
