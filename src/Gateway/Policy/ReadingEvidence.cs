using Gateway.Drivers.Readings;

namespace Gateway.Policy;

/// <summary>
/// Reads one UPS reading as evidence: its power state and its range-checked values. A self-test (CAL), a
/// status that is empty, unknown (WAIT) or contradictory (OL and OB together) says nothing about the mains; a
/// charge outside 0–100 % or a runtime of zero or less (drivers use 0 and -1 for "unknown") is no value at all.
/// </summary>
public static class ReadingEvidence
{
    /// <summary>Anything above a week is not a runtime a UPS can have.</summary>
    private const double MaxRuntimeSeconds = 7 * 24 * 3600;

    /// <param name="selfTest">The gateway started a battery self-test on this UPS that still runs: read like <c>CAL</c>.</param>
    public static PowerEvidence Power(UpsStatus s, bool selfTest = false)
    {
        var ob = s.Has(UpsStatusFlags.OB);
        var ol = s.Has(UpsStatusFlags.OL);
        if (ob == ol) return PowerEvidence.Unknown;
        // A self-test runs on battery on purpose, but low battery during it is still low battery.
        if (selfTest || s.Has(UpsStatusFlags.CAL)) return ob && s.Has(UpsStatusFlags.LB) ? PowerEvidence.OnBattery : PowerEvidence.Unknown;
        return ob ? PowerEvidence.OnBattery : PowerEvidence.OnLine;
    }

    public static double? Charge(UpsReading r) => r.BatteryCharge is { } c && c is >= 0 and <= 100 ? c : null;

    public static TimeSpan? Runtime(UpsReading r) =>
        r.BatteryRuntimeSeconds is { } s && s > 0 && s <= MaxRuntimeSeconds ? TimeSpan.FromSeconds(s) : null;
}
