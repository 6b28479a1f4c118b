using System.Globalization;
using Gateway.Configuration;
using Gateway.Readings;

namespace Gateway.Shutdown.Restore;

/// <summary>The one message at the end of an outage: how long, how deep into the battery, and what was done.</summary>
public sealed record OutageReport(EventSeverity Severity, string Message, IReadOnlyDictionary<string, string> Data)
{
    public static OutageReport Build(OutageRecord r)
    {
        var end = r.PowerBackAt ?? r.EndedAt ?? r.StartedAt;
        var duration = end - r.StartedAt;
        var parts = new List<string> { $"Outage of {Duration.Format(Round(duration))} ({r.StartedAt:yyyy-MM-dd HH:mm} UTC)" };
        if (r.LowestCharge is { } low) parts.Add($"lowest charge {low:0}%{(r.StartCharge is { } s ? $" (from {s:0}%)" : "")}");
        if (r.BatteryWattHours > 0) parts.Add($"{r.BatteryWattHours:0.#} Wh from the battery");
        if (r.Trigger is { } t) parts.Add($"shutdown trigger {t}");
        var shed = Names(r, m => m.Action == OutageMachine.Shed);
        var down = Names(r, m => m.Action == OutageMachine.ShutDown);
        var back = Names(r, m => m.State is OutageMachine.Woken or OutageMachine.Started or OutageMachine.Unverified);
        var notBack = Names(r, m => m.State is OutageMachine.GaveUp or OutageMachine.Failed or OutageMachine.Down);
        if (shed.Length > 0) parts.Add($"shed: {shed}");
        if (down.Length > 0) parts.Add($"shut down: {down}");
        if (r.PowerCycle is { } pc) parts.Add($"UPS power-cycle {pc}");
        if (back.Length > 0) parts.Add($"back: {back}");
        if (notBack.Length > 0) parts.Add($"NOT back: {notBack}");
        var steps = r.Steps.Select(s => $"{s.At:HH:mm:ss} {s.Name} {s.Outcome}{(s.Seconds > 0 ? $" {s.Seconds:0.#}s" : "")}").ToList();
        if (steps.Count > 0) parts.Add("timeline: " + string.Join(", ", steps));

        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["started_at"] = r.StartedAt.ToString("O", CultureInfo.InvariantCulture),
            ["duration_s"] = Round(duration).TotalSeconds.ToString("0", CultureInfo.InvariantCulture),
            ["battery_wh"] = r.BatteryWattHours.ToString("0.##", CultureInfo.InvariantCulture),
            ["shed"] = shed,
            ["shut_down"] = down,
            ["woken"] = back,
            ["not_back"] = notBack,
            ["power_cycle"] = r.PowerCycle ?? "",
            ["steps"] = r.Steps.Count.ToString(CultureInfo.InvariantCulture),
        };
        if (r.LowestCharge is { } l) data["lowest_charge"] = l.ToString("0.#", CultureInfo.InvariantCulture);
        var severity = notBack.Length > 0 || r.PowerCycle == "failed" ? EventSeverity.Warning : EventSeverity.Info;
        return new OutageReport(severity, string.Join("; ", parts), data);
    }

    private static string Names(OutageRecord r, Func<OutageMachine, bool> which) =>
        string.Join(", ", r.Machines.Where(which).Select(m => m.Kind == OutageMachine.Host ? m.Name : $"{m.Kind} {m.Name}"));

    private static TimeSpan Round(TimeSpan t) => TimeSpan.FromSeconds(Math.Max(0, Math.Round(t.TotalSeconds)));
}
