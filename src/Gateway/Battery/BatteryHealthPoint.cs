using Gateway.Shutdown.Restore;

namespace Gateway.Battery;

/// <summary>
/// One point of the battery's health over time: what one real outage measured (runtime at full charge, health ratio,
/// capacity, the voltage sag under load as an internal-resistance proxy) or what one self-test reported.
/// </summary>
/// <param name="Source"><see cref="Outage"/> or <see cref="SelfTest"/>.</param>
/// <param name="RuntimeAtFull">Seconds a full battery would last at the outage's average load (measured).</param>
/// <param name="Ratio">Measured runtime / the UPS's own estimate at the start (1 = as calibrated).</param>
/// <param name="CapacityWattHours">Energy for 0→100 % implied by the outage.</param>
/// <param name="SagVolts">Battery voltage on line just before the outage minus the first reading on battery.</param>
/// <param name="ResistanceOhms">The sag per ampere drawn (load watts / battery volts): grows as the battery ages.</param>
/// <param name="Result">A self-test's <c>ups.test.result</c> (or why there is none).</param>
/// <param name="Outcome">A self-test's <see cref="BatterySelfTestOutcome"/>.</param>
public sealed record BatteryHealthPoint(DateTimeOffset At, string Source, double? RuntimeAtFull = null, double? Ratio = null,
    double? CapacityWattHours = null, double? AverageWatts = null, double? SagVolts = null, double? ResistanceOhms = null,
    string? Result = null, string? Outcome = null)
{
    public const string Outage = "outage";
    public const string SelfTest = "self_test";

    /// <summary>The point one finished outage gives, or null when it measured nothing (too short, too shallow, no voltage).</summary>
    public static BatteryHealthPoint? From(OutageRecord r)
    {
        var estimate = BatteryHealthEstimate.From(r);
        double? sag = r.RestVoltage is { } rest && r.LoadVoltage is { } load && rest > load ? Math.Round(rest - load, 2) : null;
        double? ohms = sag is { } s && r.LoadWatts is { } w && w > 0 && r.LoadVoltage is { } v && v > 0 ? Math.Round(s / (w / v), 4) : null;
        if (estimate is null && sag is null) return null;
        return new BatteryHealthPoint(r.StartedAt, Outage,
            estimate is null ? null : Math.Round(estimate.SecondsOnBattery * 100 / estimate.ChargeDrop),
            estimate?.Ratio is { } ratio ? Math.Round(ratio, 3) : null,
            estimate?.CapacityWattHours is { } c ? Math.Round(c, 1) : null,
            estimate is null ? null : Math.Round(estimate.AverageWatts, 1),
            sag, ohms);
    }

    public static BatteryHealthPoint From(BatterySelfTestResult t) =>
        new(t.At, SelfTest, Result: t.Result, Outcome: BatterySelfTestOutcome.Of(t));
}
