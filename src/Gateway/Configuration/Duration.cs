using System.Globalization;

namespace Gateway.Configuration;

/// <summary>Durations as people write them in the config: <c>500ms</c>, <c>90s</c>, <c>10m</c>, <c>1h</c>, <c>1d</c>, <c>1h30m</c>, or <c>0</c>.</summary>
public static class Duration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (s == "0") return true;
        long totalTicks = 0;
        var i = 0;
        var any = false;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == start) return false;
            if (!decimal.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return false;
            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
            var unit = s.AsSpan(unitStart, i - unitStart);
            decimal ticksPerUnit = unit switch
            {
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" or "min" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" => TimeSpan.TicksPerDay,
                _ => -1,
            };
            if (ticksPerUnit < 0 || number > TimeSpan.MaxValue.Ticks / ticksPerUnit) return false;
            var ticks = number * ticksPerUnit;
            if (ticks > TimeSpan.MaxValue.Ticks - totalTicks) return false;
            totalTicks += (long)ticks;
            any = true;
        }
        if (!any) return false;
        value = TimeSpan.FromTicks(totalTicks);
        return true;
    }

    /// <summary>Formats back to the shortest config form (<c>90s</c>, <c>10m</c>, <c>1h30m</c>).</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero) return "0";
        if (value.Ticks % TimeSpan.TicksPerSecond != 0) return $"{(long)value.TotalMilliseconds}ms";
        var parts = new List<string>(4);
        if (value.Days > 0) parts.Add($"{value.Days}d");
        if (value.Hours > 0) parts.Add($"{value.Hours}h");
        if (value.Minutes > 0) parts.Add($"{value.Minutes}m");
        if (value.Seconds > 0) parts.Add($"{value.Seconds}s");
        return string.Concat(parts);
    }
}
