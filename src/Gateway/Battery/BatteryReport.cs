using Gateway.Configuration;
using Gateway.Shutdown.Restore;

namespace Gateway.Battery;

/// <summary>
/// <c>GET /api/battery</c>: the battery's age from the configured install date, and its health from real outages
/// (one estimate per outage deep and long enough, oldest first; <see cref="HealthPercent"/> from the last three).
/// </summary>
public sealed record BatteryReport(DateOnly? Installed, DateOnly? EndOfLife, double? AgeYears, bool AgeWarning,
    double? HealthPercent, IReadOnlyList<BatteryHealthEstimate> Estimates)
{
    /// <summary>The scheduled self-tests (<c>battery.self_test</c>), oldest first.</summary>
    public IReadOnlyList<BatterySelfTestResult> SelfTests { get; init; } = [];

    /// <summary>
    /// The health over time, oldest first: one point per outage that measured something (kept in battery-health.json
    /// beyond the outage history) and one per self-test.
    /// </summary>
    public IReadOnlyList<BatteryHealthPoint> History { get; init; } = [];

    /// <summary>The kept points, the outages not kept yet (recorded before the history existed) and the self-tests, by time.</summary>
    public static IReadOnlyList<BatteryHealthPoint> BuildHistory(IEnumerable<BatteryHealthPoint> kept, IEnumerable<OutageRecord> outages,
        IEnumerable<BatterySelfTestResult> selfTests)
    {
        var points = kept.Where(p => p.Source == BatteryHealthPoint.Outage).ToList();
        var seen = points.Select(p => p.At).ToHashSet();
        points.AddRange(outages.Where(o => !seen.Contains(o.StartedAt)).Select(BatteryHealthPoint.From).OfType<BatteryHealthPoint>());
        points.AddRange(selfTests.Select(BatteryHealthPoint.From));
        return points.OrderBy(p => p.At).ToList();
    }

    public static BatteryReport Build(BatteryOptions battery, IEnumerable<OutageRecord> outages, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        double? age = battery.Installed is { } i ? Math.Round((today.DayNumber - i.DayNumber) / 365.25, 2) : null;
        var warn = battery.EndOfLife is { } end && today >= end.AddDays(-(int)battery.WarnBefore.TotalDays);
        var estimates = outages.Select(BatteryHealthEstimate.From).OfType<BatteryHealthEstimate>().OrderBy(e => e.At).ToList();
        var ratios = estimates.Where(e => e.Ratio is not null).TakeLast(3).Select(e => e.Ratio!.Value).ToList();
        double? health = ratios.Count > 0 ? Math.Round(Math.Min(1.5, ratios.Average()) * 100, 0) : null;
        return new BatteryReport(battery.Installed, battery.EndOfLife, age, warn, health, estimates);
    }
}
