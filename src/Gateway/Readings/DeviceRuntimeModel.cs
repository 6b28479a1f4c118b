using Gateway.Configuration;

namespace Gateway.Readings;

/// <summary>
/// The runtime estimate of one UPS that does not report <c>battery.runtime</c>. Before an outage it is the nominal
/// calibration (<see cref="RuntimeCalibration"/>, as NUT's nutdrv_qx computes it). On battery it learns how large the
/// battery really is: the calibration predicts how much charge the measured load should have used so far; a
/// least-squares fit of the charge reported against that prediction gives the real capacity as a factor of the
/// nominal one (an aged battery drains faster than predicted, factor below 1). The factor is trusted in proportion
/// to the evidence (3 % of predicted drop for full weight) and is kept after the outage.
/// </summary>
public sealed class DeviceRuntimeModel(RuntimeCalibration calibration)
{
    /// <summary>Predicted drop (in % of charge) at which the measured capacity is fully trusted.</summary>
    public const double FullWeightDrop = 3;
    private const double MinFactor = 0.2, MaxFactor = 5;

    private double _prior = 1;
    private DateTimeOffset? _lastAt;
    private double _lastLoad;
    private double _predicted;
    private double _n, _sx, _sy, _sxx, _sxy;

    public RuntimeCalibration Calibration => calibration;

    /// <summary>The calibration as NUT writes it (<c>driver.parameter.runtimecal</c>), formatted once, not per reading.</summary>
    public string CalibrationText { get; } = calibration.ToString();

    /// <summary>The last estimate as text, kept so an unchanged estimate is not formatted again (guarded by the estimator's lock).</summary>
    internal (double Seconds, string Text) LastText { get; set; } = (double.NaN, "");

    /// <summary>The battery's capacity relative to the calibration, as learned so far.</summary>
    public double CapacityFactor { get; private set; } = 1;

    /// <summary>Feeds one reading; returns the runtime estimate in seconds.</summary>
    public double Update(DateTimeOffset at, double chargePercent, double loadPercent, bool onBattery)
    {
        if (!onBattery)
        {
            if (_lastAt is not null) EndOutage();
            return calibration.RuntimeSeconds(chargePercent, loadPercent, CapacityFactor);
        }
        if (_lastAt is { } last)
        {
            var dt = Math.Clamp((at - last).TotalSeconds, 0, 60);
            // Trapezoid of the effective load between the two readings.
            var eff = (calibration.EffectiveLoad(_lastLoad) + calibration.EffectiveLoad(loadPercent)) / 2;
            _predicted += 100 * eff * dt / calibration.NominalSeconds;
        }
        _lastAt = at;
        _lastLoad = loadPercent;
        _n++; _sx += _predicted; _sy += chargePercent; _sxx += _predicted * _predicted; _sxy += _predicted * chargePercent;
        CapacityFactor = Blend();
        return calibration.RuntimeSeconds(chargePercent, loadPercent, CapacityFactor);
    }

    private double Blend()
    {
        var weight = Math.Clamp(_predicted / FullWeightDrop, 0, 1);
        if (weight <= 0 || _n < 3) return _prior;
        var denominator = _n * _sxx - _sx * _sx;
        if (denominator <= 0) return _prior;
        var slope = (_n * _sxy - _sx * _sy) / denominator;
        // Charge falls by 1/factor % per predicted %; a flat or rising charge means a far larger battery than nominal.
        var measured = slope < -1 / MaxFactor ? Math.Clamp(-1 / slope, MinFactor, MaxFactor) : MaxFactor;
        return (1 - weight) * _prior + weight * measured;
    }

    private void EndOutage()
    {
        _prior = CapacityFactor;
        _lastAt = null;
        _predicted = 0;
        _n = _sx = _sy = _sxx = _sxy = 0;
    }
}
