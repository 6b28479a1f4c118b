using System.Globalization;
using Gateway.Drivers.Readings;

namespace Gateway.Notifications;

/// <summary>
/// Tracks power-quality conditions per device and reports each change once: brownout and over-voltage against
/// absolute thresholds (with a small hysteresis so a voltage hovering at the limit does not flap), AVR boost and
/// trim, overload and bypass from the UPS flags. An input near zero is a power failure, not a brownout.
/// </summary>
public sealed class PowerQualityTracker(double brownoutVoltage, double overvoltageVoltage)
{
    public const double Hysteresis = 2.0;
    /// <summary>Below this the input is gone (the UPS is on battery), which the power-lost event reports.</summary>
    public const double OutageVoltage = 50.0;

    private readonly Dictionary<(string Device, string Condition), bool> _active = new();

    public IReadOnlyList<PowerQualityChange> Observe(Reading reading)
    {
        var changes = new List<PowerQualityChange>();
        switch (reading)
        {
            case UpsReading ups:
                if (!ups.Status.OnBattery && ups.InputVoltage is { } v) Voltage(ups.DeviceId, "input", v, changes);
                Flag(ups, UpsStatusFlags.BOOST, "avr_boost", "AVR boost engaged (raising a low input voltage)", "AVR boost off", changes);
                Flag(ups, UpsStatusFlags.TRIM, "avr_trim", "AVR trim engaged (lowering a high input voltage)", "AVR trim off", changes);
                Flag(ups, UpsStatusFlags.OVER, "overload", $"Overload: the UPS is overloaded{Load(ups)}", $"Overload resolved{Load(ups)}", changes);
                Flag(ups, UpsStatusFlags.BYPASS, "bypass", "The UPS is on bypass: the load is not protected", "The UPS is off bypass", changes);
                break;
            case MeterReading meter:
                // Loops, not LINQ: Where/Select/MinBy over value tuples is generic code of its own in the native binary.
                (string Name, double Value)? low = null, high = null;
                foreach (var (name, voltage) in (ReadOnlySpan<(string, double?)>)[("L1", meter.L1.Voltage), ("L2", meter.L2.Voltage), ("L3", meter.L3.Voltage)])
                {
                    if (voltage is not (>= OutageVoltage and var volts)) continue;
                    if (low is null || volts < low.Value.Value) low = (name, volts);
                    if (high is null || volts > high.Value.Value) high = (name, volts);
                }
                if (low is not { } lowest || high is not { } highest) break;
                Threshold(meter.DeviceId, "brownout", lowest.Value < brownoutVoltage, lowest.Value >= brownoutVoltage + Hysteresis,
                    $"Brownout: {lowest.Name} at {F(lowest.Value)} V (below {F(brownoutVoltage)} V)", $"Brownout over: lowest phase {lowest.Name} at {F(lowest.Value)} V", changes);
                Threshold(meter.DeviceId, "overvoltage", highest.Value > overvoltageVoltage, highest.Value <= overvoltageVoltage - Hysteresis,
                    $"Over-voltage: {highest.Name} at {F(highest.Value)} V (above {F(overvoltageVoltage)} V)", $"Over-voltage over: highest phase {highest.Name} at {F(highest.Value)} V", changes);
                break;
        }
        return changes;
    }

    private void Voltage(string device, string name, double v, List<PowerQualityChange> changes)
    {
        if (v < OutageVoltage) return;
        Threshold(device, "brownout", v < brownoutVoltage, v >= brownoutVoltage + Hysteresis,
            $"Brownout: {name} voltage {F(v)} V (below {F(brownoutVoltage)} V)", $"Brownout over: {name} voltage {F(v)} V", changes);
        Threshold(device, "overvoltage", v > overvoltageVoltage, v <= overvoltageVoltage - Hysteresis,
            $"Over-voltage: {name} voltage {F(v)} V (above {F(overvoltageVoltage)} V)", $"Over-voltage over: {name} voltage {F(v)} V", changes);
    }

    private void Threshold(string device, string condition, bool enter, bool leave, string started, string ended, List<PowerQualityChange> changes)
    {
        var was = _active.GetValueOrDefault((device, condition));
        if (!was && enter) Set(device, condition, true, started, changes);
        else if (was && leave) Set(device, condition, false, ended, changes);
    }

    private void Flag(UpsReading r, UpsStatusFlags flag, string condition, string started, string ended, List<PowerQualityChange> changes)
    {
        var now = r.Status.Has(flag);
        var was = _active.GetValueOrDefault((r.DeviceId, condition));
        if (now != was) Set(r.DeviceId, condition, now, now ? started : ended, changes);
    }

    private void Set(string device, string condition, bool active, string message, List<PowerQualityChange> changes)
    {
        _active[(device, condition)] = active;
        changes.Add(new PowerQualityChange(device, condition, active, message));
    }

    private static string Load(UpsReading r) => r.Load is { } l ? $" (load {F(l)}%)" : "";

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
