using System.Globalization;
using Gateway.Configuration;
using Gateway.Drivers.Readings;

namespace Gateway.Readings;

/// <summary>
/// Gives <c>battery.runtime</c> to every UPS that does not report it (the MUST has no runtime register) and has a
/// <c>runtimecal</c>. The <see cref="ReadingHub"/> runs every reading through it before storing and fanning it out,
/// so the NUT server, MQTT, the API, the metrics and the policy all see the same estimate. An estimated reading also
/// carries <c>driver.parameter.runtimecal</c> (as NUT's nutdrv_qx does when it computes the runtime): that is the
/// marker that says "estimate".
/// </summary>
public sealed class RuntimeEstimator
{
    public const string MarkerVariable = "driver.parameter.runtimecal";

    private Dictionary<string, DeviceRuntimeModel> _models;
    private readonly Lock _gate = new();

    public RuntimeEstimator(IEnumerable<(string DeviceId, RuntimeCalibration Calibration)> devices) =>
        _models = devices.ToDictionary(d => d.DeviceId, d => new DeviceRuntimeModel(d.Calibration), StringComparer.Ordinal);

    public static RuntimeEstimator FromConfig(GatewayConfig config) => new(CalibrationsOf(config));

    private static IEnumerable<(string DeviceId, RuntimeCalibration Calibration)> CalibrationsOf(GatewayConfig config) => config.Devices
        .Select(d => (d.Id, Calibration: (d as IUpsDeviceOptions)?.RuntimeCal))
        .Where(x => x.Calibration is not null).Select(x => (x.Id, x.Calibration!));

    /// <summary>The calibrations of a new configuration; a device whose calibration did not change keeps its model (and its smoothing).</summary>
    public void Reconfigure(GatewayConfig config)
    {
        lock (_gate)
        {
            var old = _models;
            Volatile.Write(ref _models, CalibrationsOf(config).ToDictionary(d => d.DeviceId,
                d => old.TryGetValue(d.DeviceId, out var m) && m.Calibration == d.Calibration ? m : new DeviceRuntimeModel(d.Calibration), StringComparer.Ordinal));
        }
    }

    /// <summary>True when the reading's <c>battery.runtime</c> is the gateway's estimate.</summary>
    public static bool IsEstimate(UpsReading r) => r.Get(MarkerVariable) is not null;

    public DeviceRuntimeModel? ModelOf(string deviceId) => Volatile.Read(ref _models).GetValueOrDefault(deviceId);

    /// <summary>The reading with an estimated runtime, or the reading itself when it needs none or none can be made.</summary>
    public Reading Enrich(Reading reading)
    {
        if (reading is not UpsReading r || !Volatile.Read(ref _models).TryGetValue(r.DeviceId, out var model)) return reading;
        if (r.BatteryRuntimeSeconds is > 0) return reading;
        if (r.BatteryCharge is not (>= 0 and <= 100) || r.Load is not (>= 0 and <= 200)) return reading;
        string text;
        lock (_gate)
        {
            var seconds = Math.Round(model.Update(r.Timestamp, r.BatteryCharge.Value, r.Load.Value, r.Status.OnBattery && !r.Status.OnLine));
            if (model.LastText.Seconds != seconds) model.LastText = (seconds, seconds.ToString("0", CultureInfo.InvariantCulture));
            text = model.LastText.Text;
        }
        return r.WithVariables(new(NutNames.BatteryRuntime, text), new(MarkerVariable, model.CalibrationText));
    }
}
