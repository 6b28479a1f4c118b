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

    // Per device the conditions now active: one ordinal look-up of the device per reading, then short fixed names.
    private readonly Dictionary<string, HashSet<string>> _active = new(StringComparer.Ordinal);

    private HashSet<string> ActiveOf(string device)
    {
        if (!_active.TryGetValue(device, out var set)) _active[device] = set = new HashSet<string>(StringComparer.Ordinal);
        return set;
    }

    /// <summary>
    /// The conditions that started or ended with this reading (usually none). Messages are formatted only for a
    /// change: a reading that changes nothing formats no number and allocates no list.
    /// </summary>
    public IReadOnlyList<PowerQualityChange> Observe(Reading reading)
    {
        List<PowerQualityChange>? changes = null;
        switch (reading)
        {
            case UpsReading ups:
                if (!ups.Status.OnBattery && ups.InputVoltage is { } v) Voltage(ups.DeviceId, "input", v, ref changes);
                Flag(ups, UpsStatusFlags.BOOST, "avr_boost", static (_, on) => on ? "AVR boost engaged (raising a low input voltage)" : "AVR boost off", ref changes);
                Flag(ups, UpsStatusFlags.TRIM, "avr_trim", static (_, on) => on ? "AVR trim engaged (lowering a high input voltage)" : "AVR trim off", ref changes);
                Flag(ups, UpsStatusFlags.OVER, "overload", static (r, on) => on ? $"Overload: the UPS is overloaded{Load(r)}" : $"Overload resolved{Load(r)}", ref changes);
                Flag(ups, UpsStatusFlags.BYPASS, "bypass", static (_, on) => on ? "The UPS is on bypass: the load is not protected" : "The UPS is off bypass", ref changes);
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
                if (Transition(meter.DeviceId, "brownout", lowest.Value < brownoutVoltage, lowest.Value >= brownoutVoltage + Hysteresis) is { } brownout)
                    Add(ref changes, meter.DeviceId, "brownout", brownout, brownout
                        ? $"Brownout: {lowest.Name} at {F(lowest.Value)} V (below {F(brownoutVoltage)} V)"
                        : $"Brownout over: lowest phase {lowest.Name} at {F(lowest.Value)} V");
                if (Transition(meter.DeviceId, "overvoltage", highest.Value > overvoltageVoltage, highest.Value <= overvoltageVoltage - Hysteresis) is { } over)
                    Add(ref changes, meter.DeviceId, "overvoltage", over, over
                        ? $"Over-voltage: {highest.Name} at {F(highest.Value)} V (above {F(overvoltageVoltage)} V)"
                        : $"Over-voltage over: highest phase {highest.Name} at {F(highest.Value)} V");
                break;
        }
        return changes is null ? Array.Empty<PowerQualityChange>() : changes;
    }

    private void Voltage(string device, string name, double v, ref List<PowerQualityChange>? changes)
    {
        if (v < OutageVoltage) return;
        if (Transition(device, "brownout", v < brownoutVoltage, v >= brownoutVoltage + Hysteresis) is { } brownout)
            Add(ref changes, device, "brownout", brownout, brownout
                ? $"Brownout: {name} voltage {F(v)} V (below {F(brownoutVoltage)} V)"
                : $"Brownout over: {name} voltage {F(v)} V");
        if (Transition(device, "overvoltage", v > overvoltageVoltage, v <= overvoltageVoltage - Hysteresis) is { } over)
            Add(ref changes, device, "overvoltage", over, over
                ? $"Over-voltage: {name} voltage {F(v)} V (above {F(overvoltageVoltage)} V)"
                : $"Over-voltage over: {name} voltage {F(v)} V");
    }

    /// <summary>True: the condition starts; false: it ends; null: no change.</summary>
    private bool? Transition(string device, string condition, bool enter, bool leave)
    {
        var active = ActiveOf(device);
        var was = active.Contains(condition);
        if (!was && enter) return active.Add(condition);
        if (was && leave) return !active.Remove(condition);
        return null;
    }

    /// <param name="message">Formats the message of a change (static: a reading without a change allocates nothing).</param>
    private void Flag(UpsReading r, UpsStatusFlags flag, string condition, Func<UpsReading, bool, string> message, ref List<PowerQualityChange>? changes)
    {
        var now = r.Status.Has(flag);
        var active = ActiveOf(r.DeviceId);
        if (now == active.Contains(condition)) return;
        if (now) active.Add(condition);
        else active.Remove(condition);
        Add(ref changes, r.DeviceId, condition, now, message(r, now));
    }

    private static void Add(ref List<PowerQualityChange>? changes, string device, string condition, bool active, string message) =>
        (changes ??= []).Add(new PowerQualityChange(device, condition, active, message));

    private static string Load(UpsReading r) => r.Load is { } l ? $" (load {F(l)}%)" : "";

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
