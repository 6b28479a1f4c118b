using Gateway.Shutdown.Restore;

namespace Gateway.Battery;

/// <summary>
/// What one real outage says about the battery: the charge it lost over the time on battery at the measured load,
/// projected to a full discharge, against the runtime the UPS itself estimated at the start. A ratio well below 1
/// means the battery holds less than the UPS's calibration assumes — it will die earlier than the estimate says.
/// </summary>
/// <param name="MeasuredRuntime">Seconds from the starting charge to empty at the measured rate.</param>
/// <param name="EstimatedRuntime">The UPS's <c>battery.runtime</c> at the start (s).</param>
/// <param name="Ratio">Measured / estimated (1 = as calibrated).</param>
/// <param name="CapacityWattHours">Energy for 0→100 % implied by this outage (Wh drawn / charge lost).</param>
public sealed record BatteryHealthEstimate(DateTimeOffset At, double ChargeDrop, double SecondsOnBattery, double AverageWatts,
    double MeasuredRuntime, double? EstimatedRuntime, double? Ratio, double? CapacityWattHours)
{
    /// <summary>Too small a drop or too short an outage says nothing (the charge reading moves in whole percent).</summary>
    public const double MinChargeDrop = 5;
    public const double MinSeconds = 120;

    public static BatteryHealthEstimate? From(OutageRecord r)
    {
        if (r.StartCharge is not { } start || r.LowestCharge is not { } low) return null;
        var drop = start - low;
        if (drop < MinChargeDrop || r.SecondsOnBattery < MinSeconds) return null;
        var measured = r.SecondsOnBattery * start / drop;
        var ratio = r.StartRuntime is { } est && est > 0 ? measured / est : (double?)null;
        var capacity = r.BatteryWattHours > 0 ? r.BatteryWattHours / (drop / 100) : (double?)null;
        var watts = r.BatteryWattHours / (r.SecondsOnBattery / 3600);
        return new BatteryHealthEstimate(r.StartedAt, drop, r.SecondsOnBattery, watts, measured, r.StartRuntime, ratio, capacity);
    }
}
