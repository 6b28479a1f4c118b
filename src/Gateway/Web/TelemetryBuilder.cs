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
            r?.LastSeen,
            r is null ? null : Math.Round(Math.Max(0, (now - r.LastSeen).TotalSeconds), 3),
            d.Fresh(now) is not null,
            ups?.Status.ToString(),
            ups is null ? null : UpsStatus.All.Where(f => ups.Status.Has(f.Flag)).Select(f => f.Name).ToArray(),
            values,
            ups?.Variables,
            alarms.For(d.DeviceId).Select(View).ToArray(),
            directory.CommandsOf(d.DeviceId));
    }

    public static string KindName(DeviceKind kind) => kind == DeviceKind.Ups ? "ups" : "meter";

    public static AlarmView View(ActiveAlarm a) => new(a.DeviceId, a.Kind, a.Message, a.Value, a.Threshold, a.Unit, a.Since);
}
