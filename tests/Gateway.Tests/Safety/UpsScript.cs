using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Tests.Safety;

/// <summary>One stretch of a scenario: what the UPS reports (or that the link is down, or a restart) and for how long.</summary>
/// <param name="Status">NUT status words, e.g. "OB DISCHRG"; null while the link is down.</param>
/// <param name="Charge">Charge at the start and end of the stretch (linear in between); null = not reported.</param>
/// <param name="Restart">The gateway restarts here; <paramref name="RestartDryRun"/>: with <c>shutdown.dry_run: true</c> from then on.</param>
public sealed record UpsStretch(string? Status, double Seconds, (double From, double To)? Charge, (double From, double To)? Runtime, bool Restart = false, bool RestartDryRun = false)
{
    public static double Lerp((double From, double To) r, double f) => r.From + (r.To - r.From) * f;
}

/// <summary>
/// The little language of the fault matrix, so the table in docs/safety.md and the test read the same:
/// stretches separated by " | ", each <c>WHAT DURATION [c=CHARGE[..CHARGE]] [r=RUNTIME[..RUNTIME]]</c>.
/// WHAT is NUT status flags joined by '+' (OL, OB, OB+LB, OB+CAL, OL+OB, WAIT, FSD+OL …), <c>empty</c> for an
/// empty status, <c>lost</c> for no data (the link is down) or <c>restart</c> (the gateway restarts; the next
/// stretch says whether the link comes back; <c>restart-dry</c>: it comes back with <c>shutdown.dry_run: true</c>; <c>down DURATION</c>: the gateway is stopped
/// that long, then starts again). Charge defaults to 100 %, runtime to 50 minutes.
/// </summary>
public static partial class UpsScript
{
    public static IReadOnlyList<UpsStretch> Parse(string text)
    {
        var list = new List<UpsStretch>();
        foreach (var part in text.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words[0] is "restart" or "restart-dry")
            {
                list.Add(new UpsStretch(null, 0, null, null, Restart: true, RestartDryRun: words[0] == "restart-dry"));
                continue;
            }
            if (words[0] == "down")
            {
                if (words.Length < 2) throw new FormatException($"'{part}': expected down DURATION");
                list.Add(new UpsStretch(null, ParseSeconds(words[1]), null, null, Restart: true));
                continue;
            }
            if (words.Length < 2) throw new FormatException($"'{part}': expected WHAT DURATION");
            var seconds = ParseSeconds(words[1]);
            (double, double)? charge = (100, 100);
            (double, double)? runtime = (3000, 3000);
            foreach (var w in words.Skip(2))
            {
                var m = Value().Match(w);
                if (!m.Success) throw new FormatException($"'{w}' in '{part}'");
                var from = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                var to = m.Groups[3].Success ? double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : from;
                if (m.Groups[1].Value == "c") charge = (from, to); else runtime = (from, to);
            }
            var status = words[0] switch
            {
                "lost" => null,
                "empty" => "",
                var s => s.Replace('+', ' '),
            };
            list.Add(new UpsStretch(status, seconds, charge, runtime));
        }
        return list;
    }

    public static double ParseSeconds(string s) =>
        s.EndsWith("ms", StringComparison.Ordinal) ? double.Parse(s[..^2], CultureInfo.InvariantCulture) / 1000
        : s.EndsWith('m') ? double.Parse(s[..^1], CultureInfo.InvariantCulture) * 60
        : s.EndsWith('s') ? double.Parse(s[..^1], CultureInfo.InvariantCulture)
        : throw new FormatException($"duration '{s}' needs a unit (ms, s, m)");

    [GeneratedRegex(@"^([cr])=(-?[0-9]+(?:\.[0-9]+)?)(?:\.\.(-?[0-9]+(?:\.[0-9]+)?))?$")]
    private static partial Regex Value();
}
