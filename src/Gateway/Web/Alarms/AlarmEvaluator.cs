using System.Globalization;
using Gateway.Configuration;
using Gateway.Drivers.Readings;

namespace Gateway.Web.Alarms;

/// <summary>
/// Decides which alarms a UPS reading raises. Pure. An active alarm clears only once the value is back past
/// the threshold by a small margin, so a value wobbling around the threshold does not raise and clear on
/// every reading.
/// </summary>
public static class AlarmEvaluator
{
    public const double VoltageMargin = 5;      // V
    public const double BatteryMargin = 2;      // %
    public const double TemperatureMargin = 1;  // °C
    public const double LoadMargin = 2;         // %

    /// <param name="active">The alarms already on for this device (kind → alarm); kept with their original <c>Since</c>.</param>
    /// <param name="battery">The battery's install date and life, for the protected UPS only.</param>
    public static IReadOnlyList<ActiveAlarm> Evaluate(UpsReading reading, AlarmThresholds thresholds, IReadOnlyDictionary<string, ActiveAlarm> active, BatteryOptions? battery = null)
    {
        var list = new List<ActiveAlarm>(2);
        var id = reading.DeviceId;

        // Messages are formatted only for an alarm that is on: the usual reading formats no number.
        if (reading.InputVoltage is { } v)
            Check(AlarmKinds.InputVoltageLow, v, thresholds.InputVoltageLow, "V", below: true, VoltageMargin,
                static (value, limit) => $"Input voltage {Fmt(value)} V is below {Fmt(limit)} V");
        if (reading.BatteryCharge is { } c)
            Check(AlarmKinds.BatteryLow, c, thresholds.BatteryLow, "%", below: true, BatteryMargin,
                static (value, limit) => $"Battery {Fmt(value)} % is below {Fmt(limit)} %");
        if ((reading.Temperature ?? reading.GetNumber(NutNames.BatteryTemperature)) is { } t)
            Check(AlarmKinds.TemperatureHigh, t, thresholds.TemperatureHigh, "°C", below: false, TemperatureMargin,
                static (value, limit) => $"Temperature {Fmt(value)} °C is above {Fmt(limit)} °C");
        if (reading.Load is { } l)
            Check(AlarmKinds.LoadHigh, l, thresholds.LoadHigh, "%", below: false, LoadMargin,
                static (value, limit) => $"Load {Fmt(value)} % is above {Fmt(limit)} %");
        if (reading.Alarm is { } text && !string.IsNullOrWhiteSpace(text))
        {
            var message = $"UPS reports: {text.Trim()}";
            list.Add(active.TryGetValue(AlarmKinds.UpsAlarm, out var prev) && prev.Message == message
                ? prev
                : new ActiveAlarm(id, AlarmKinds.UpsAlarm, message, null, null, null, reading.Timestamp));
        }
        foreach (var alarm in BatteryAlarms.Evaluate(reading, battery, active)) list.Add(alarm);
        return list;

        void Check(string kind, double value, double threshold, string unit, bool below, double margin, Func<double, double, string> message)
        {
            var wasOn = active.TryGetValue(kind, out var prev);
            var beyond = below ? value < threshold : value > threshold;
            var stillBeyond = below ? value < threshold + margin : value > threshold - margin;
            if (beyond || (wasOn && stillBeyond))
                list.Add(new ActiveAlarm(id, kind, message(value, threshold), value, threshold, unit, wasOn ? prev!.Since : reading.Timestamp));
        }
    }

    private static string Fmt(double v) => Math.Round(v, 1).ToString("0.#", CultureInfo.InvariantCulture);
}
