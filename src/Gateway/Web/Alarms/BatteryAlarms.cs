using Gateway.Configuration;
using Gateway.Drivers.Readings;

namespace Gateway.Web.Alarms;

/// <summary>
/// The battery's own alarms: <c>RB</c> from the UPS (replace battery) and the age from the configured install date —
/// a battery that passes the UPS's own test can still die in the first real outage.
/// </summary>
public static class BatteryAlarms
{
    public static IEnumerable<ActiveAlarm> Evaluate(UpsReading reading, BatteryOptions? battery, IReadOnlyDictionary<string, ActiveAlarm> active)
    {
        var id = reading.DeviceId;
        if (reading.Status.Has(UpsStatusFlags.RB))
            yield return Keep(AlarmKinds.ReplaceBattery, $"The UPS reports its battery needs replacing (RB); replace it before the next outage");
        if (battery is { EndOfLife: { } end, Installed: { } installed })
        {
            var today = DateOnly.FromDateTime(reading.Timestamp.UtcDateTime);
            var warnFrom = end.AddDays(-(int)battery.WarnBefore.TotalDays);
            if (today >= warnFrom)
            {
                var years = (today.DayNumber - installed.DayNumber) / 365.25;
                yield return Keep(AlarmKinds.BatteryAge, today >= end
                    ? $"The battery installed {installed:yyyy-MM-dd} is {years:0.0} years old, past its expected life of {battery.ExpectedLifeYears:0.#} years; replace it (then set battery.installed)"
                    : $"The battery installed {installed:yyyy-MM-dd} reaches its expected life of {battery.ExpectedLifeYears:0.#} years on {end:yyyy-MM-dd}; plan its replacement (then set battery.installed)");
            }
        }

        ActiveAlarm Keep(string kind, string message) =>
            active.TryGetValue(kind, out var prev) && prev.Message == message ? prev : new ActiveAlarm(id, kind, message, null, null, null, reading.Timestamp);
    }
}
