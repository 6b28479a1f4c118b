using System.Collections.Concurrent;
using System.Text;

namespace Gateway.Drivers.Readings;

/// <summary>A set of standard NUT status flags with NUT's text form ("OB DISCHRG LB").</summary>
public readonly record struct UpsStatus(UpsStatusFlags Flags)
{
    // NUT order: FSD first (as upsd prefixes it), then line state, then the rest.
    private static readonly (UpsStatusFlags Flag, string Name)[] Order =
    [
        (UpsStatusFlags.FSD, "FSD"), (UpsStatusFlags.ALARM, "ALARM"), (UpsStatusFlags.OL, "OL"), (UpsStatusFlags.OB, "OB"),
        (UpsStatusFlags.LB, "LB"), (UpsStatusFlags.HB, "HB"), (UpsStatusFlags.RB, "RB"), (UpsStatusFlags.CHRG, "CHRG"),
        (UpsStatusFlags.DISCHRG, "DISCHRG"), (UpsStatusFlags.BYPASS, "BYPASS"), (UpsStatusFlags.CAL, "CAL"),
        (UpsStatusFlags.OFF, "OFF"), (UpsStatusFlags.OVER, "OVER"), (UpsStatusFlags.TRIM, "TRIM"), (UpsStatusFlags.BOOST, "BOOST"),
    ];

    /// <summary>Every standard flag with its NUT name, in NUT order.</summary>
    public static IReadOnlyList<(UpsStatusFlags Flag, string Name)> All => Order;

    public bool Has(UpsStatusFlags flag) => (Flags & flag) == flag && flag != UpsStatusFlags.None;

    public bool OnBattery => Has(UpsStatusFlags.OB);
    public bool OnLine => Has(UpsStatusFlags.OL);
    public bool LowBattery => Has(UpsStatusFlags.LB);

    public UpsStatus With(UpsStatusFlags flag) => new(Flags | flag);
    public UpsStatus Without(UpsStatusFlags flag) => new(Flags & ~flag);

    /// <summary>Parses NUT's space-separated form. Unknown words are ignored (reported in <paramref name="unknown"/>).</summary>
    public static UpsStatus Parse(string? text, List<string>? unknown = null)
    {
        var flags = UpsStatusFlags.None;
        if (string.IsNullOrWhiteSpace(text)) return new(flags);
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var found = false;
            foreach (var (flag, name) in Order)
            {
                if (string.Equals(word, name, StringComparison.OrdinalIgnoreCase))
                {
                    flags |= flag;
                    found = true;
                    break;
                }
            }
            if (!found) unknown?.Add(word);
        }
        return new(flags);
    }

    // Every reading carries its status text; a device shows a handful of flag sets, so each is joined once.
    private static readonly ConcurrentDictionary<UpsStatusFlags, string> Texts = new();
    private const int MaxCachedTexts = 256;

    public override string ToString()
    {
        if (Flags == UpsStatusFlags.None) return "";
        if (Texts.TryGetValue(Flags, out var cached)) return cached;
        var text = Join(Flags);
        if (Texts.Count < MaxCachedTexts) Texts.TryAdd(Flags, text);
        return text;
    }

    private static string Join(UpsStatusFlags flags)
    {
        var sb = new StringBuilder(24);
        foreach (var (flag, name) in Order)
        {
            if ((flags & flag) == 0) continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(name);
        }
        return sb.ToString();
    }
}
