using System.Globalization;
using Gateway.Readings;
using Gateway.Shutdown.Restore;
using Gateway.Storage;

namespace Gateway.Web;

/// <summary>
/// Builds the timeline of one outage from the events between its start and its end (or now): what happened in order,
/// each with its offset from the power loss, steps with their durations. Pure: the endpoint fetches, this arranges.
/// </summary>
public static class OutageTimelineBuilder
{
    /// <summary>Events that may be stamped a little before the record's start (the first OB reading) still belong to it.</summary>
    public static readonly TimeSpan Lead = TimeSpan.FromMinutes(1);

    private static readonly HashSet<string> Kinds =
    [
        EventKinds.PowerLost, EventKinds.PowerRestored, EventKinds.TriggerFired, EventKinds.ShutdownStarted, EventKinds.ShutdownStep,
        EventKinds.ShutdownFinished, EventKinds.ShutdownCancelled, EventKinds.LoadShed, EventKinds.UpsPowerCycle, EventKinds.PowerRestore,
        EventKinds.OutageReport, EventKinds.DeviceLost, EventKinds.DeviceStale, EventKinds.DeviceBack,
    ];

    /// <summary>The window of the outage: from a little before its start to its end (or now).</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(OutageRecord outage, DateTimeOffset now) =>
        (outage.StartedAt - Lead, (outage.EndedAt ?? now) + TimeSpan.FromSeconds(1));

    public static OutageTimeline Build(OutageRecord outage, bool live, string? device, IEnumerable<GatewayEvent> events,
        IReadOnlyList<HistoryPoint> runtime, DateTimeOffset now)
    {
        var (from, to) = Window(outage, now);
        var inWindow = events
            .Where(e => e.At >= from && e.At <= to && Kinds.Contains(e.Kind))
            .Where(e => e.Kind is not (EventKinds.DeviceLost or EventKinds.DeviceStale or EventKinds.DeviceBack) || e.DeviceId == device)
            .OrderBy(e => e.At)
            .ToList();
        // The power loss that opened this outage: the last one at or before the record's start (a blink before it is another story).
        var start = inWindow.LastOrDefault(e => e.Kind == EventKinds.PowerLost && e.At <= outage.StartedAt + TimeSpan.FromSeconds(5));
        if (start is not null) inWindow = inWindow.Where(e => e.At >= start.At).ToList();
        var origin = start?.At ?? outage.StartedAt;

        List<OutageTimelineEntry> entries;
        string source;
        if (inWindow.Count > 0)
        {
            entries = inWindow.Select(e => Entry(e, origin)).ToList();
            source = "events";
        }
        else
        {
            entries = outage.Steps.Select(s => new OutageTimelineEntry(s.At, Offset(s.At, origin), Step(s.Name), s.Name, s.Detail ?? "", s.Outcome, s.Seconds > 0 ? s.Seconds : null)).ToList();
            source = "record";
        }
        if (!entries.Any(e => e.Kind == EventKinds.PowerLost))
            entries.Insert(0, new OutageTimelineEntry(outage.StartedAt, 0, EventKinds.PowerLost, "Power lost", Charge("on battery", outage.StartCharge), null, null));
        if (outage.PowerBackAt is { } back && !entries.Any(e => e.Kind == EventKinds.PowerRestored))
            entries.Add(new OutageTimelineEntry(back, Offset(back, origin), EventKinds.PowerRestored, "Power back", "mains is back", null, null));
        entries = entries.OrderBy(e => e.At).ToList();

        return new OutageTimeline(true, live, device, outage.StartedAt, outage.PowerBackAt, outage.EndedAt, outage.Trigger, source, entries,
            HistoryPointView.Of(runtime));
    }

    private static OutageTimelineEntry Entry(GatewayEvent e, DateTimeOffset origin)
    {
        var d = e.Data ?? new Dictionary<string, string>();
        var dry = d.GetValueOrDefault("dry_run") == "true";
        var seconds = double.TryParse(d.GetValueOrDefault("seconds"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : (double?)null;
        var (title, outcome) = e.Kind switch
        {
            EventKinds.PowerLost => ("Power lost", null),
            EventKinds.PowerRestored => ("Power back", null),
            EventKinds.TriggerFired => ($"Trigger: {d.GetValueOrDefault("trigger") ?? "?"}", dry ? "dry_run" : null),
            EventKinds.ShutdownStarted => (dry ? "Shutdown started (dry run)" : "Shutdown started", null),
            EventKinds.ShutdownStep => ($"Step {d.GetValueOrDefault("step") ?? "?"}", d.GetValueOrDefault("outcome")),
            EventKinds.ShutdownFinished => (dry ? "Shutdown finished (dry run)" : "Shutdown finished", null),
            EventKinds.ShutdownCancelled => ("Shutdown cancelled", null),
            EventKinds.LoadShed => ($"Shed {d.GetValueOrDefault("name") ?? "?"}", d.GetValueOrDefault("outcome")),
            EventKinds.UpsPowerCycle => ("UPS power-cycle", d.GetValueOrDefault("status")),
            EventKinds.PowerRestore => ($"Restore {d.GetValueOrDefault("name") ?? ""}".TrimEnd(), d.GetValueOrDefault("state")),
            EventKinds.OutageReport => ("Outage report", null),
            EventKinds.DeviceLost => ("UPS link lost", null),
            EventKinds.DeviceStale => ("UPS data stale", null),
            EventKinds.DeviceBack => ("UPS link back", null),
            _ => (e.Kind, null),
        };
        return new OutageTimelineEntry(e.At, Offset(e.At, origin), e.Kind, title, e.Message, outcome, e.Kind is EventKinds.ShutdownStep or EventKinds.LoadShed or EventKinds.PowerRestore ? seconds : null);
    }

    private static string Step(string name) => name switch
    {
        _ when name.StartsWith("trigger:", StringComparison.Ordinal) => EventKinds.TriggerFired,
        _ when name.StartsWith("shed:", StringComparison.Ordinal) => EventKinds.LoadShed,
        _ when name.StartsWith("wake:", StringComparison.Ordinal) => EventKinds.PowerRestore,
        "ups_power_cycle" => EventKinds.UpsPowerCycle,
        _ => EventKinds.ShutdownStep,
    };

    private static double Offset(DateTimeOffset at, DateTimeOffset origin) => Math.Round((at - origin).TotalSeconds, 3);

    private static string Charge(string text, double? charge) =>
        charge is { } c ? string.Create(CultureInfo.InvariantCulture, $"{text} at {c:0.#} % charge") : text;
}
