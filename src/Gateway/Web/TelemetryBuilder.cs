using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Gateway.Web.Alarms;

namespace Gateway.Web;

/// <summary>Turns the hub's snapshot and the active alarms into the API's telemetry view.</summary>
public static class TelemetryBuilder
{
    public static TelemetryReport Build(ReadingHub hub, AlarmMonitor alarms, DeviceDirectory directory, DateTimeOffset now) =>
        new(now, hub.Snapshot().Select(d => Device(d, alarms, directory, now)).ToArray(), alarms.All().Select(View).ToArray());

    public static DeviceTelemetry Device(DeviceSnapshot d, AlarmMonitor alarms, DeviceDirectory directory, DateTimeOffset now)
    {
        var r = d.Latest;
        var values = new Dictionary<string, MetricValue>(StringComparer.Ordinal);
        if (r is not null)
            foreach (var m in r.Metrics) values[m.Key] = new MetricValue(m.Value, m.Unit);
        var ups = r as UpsReading;
        return new DeviceTelemetry(
            d.DeviceId,
            d.Type,
            KindName(d.Kind),
            HealthEndpoints.LinkName(d.Link),
            d.LinkSince,
            d.LinkReason,
            r?.Timestamp,
            r is null ? null : Math.Round(Math.Max(0, (now - r.Timestamp).TotalSeconds), 3),
            d.Fresh(now) is not null,
            ups?.Status.ToString(),
            ups is null ? null : FlagNames(ups.Status),
            values,
            ups?.Variables,
            alarms.For(d.DeviceId).Select(View).ToArray(),
            directory.CommandsOf(d.DeviceId));
    }

    // A loop, not LINQ: Where/Select over the (flag, name) value tuples is its own generic code in the native binary.
    private static string[] FlagNames(UpsStatus status)
    {
        var names = new List<string>();
        foreach (var (flag, name) in UpsStatus.All)
            if (status.Has(flag)) names.Add(name);
        return [.. names];
    }

    public static string KindName(DeviceKind kind) => kind == DeviceKind.Ups ? "ups" : "meter";

    public static AlarmView View(ActiveAlarm a) => new(a.DeviceId, a.Kind, a.Message, a.Value, a.Threshold, a.Unit, a.Since);
}
