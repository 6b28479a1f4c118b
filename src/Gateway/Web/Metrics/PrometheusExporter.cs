using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Web.Alarms;

namespace Gateway.Web.Metrics;

/// <summary>
/// Renders GET /metrics: every fresh UPS and meter value as a gauge (energy as counters), ups_status per
/// standard NUT flag, link state, driver counters, alarms and the policy state. Values of a device whose
/// reading is not fresh are left out, so a graph shows a gap instead of a frozen line.
/// </summary>
public sealed class PrometheusExporter(ReadingHub hub, DeviceDirectory directory, AlarmMonitor alarms, IPolicyStatusSource policy, StartInfo start, TimeProvider time)
{
    private static readonly string[] LinkStates = ["connecting", "connected", "stale", "lost"];
    private static readonly PolicyState[] PolicyStates = [PolicyState.Normal, PolicyState.OnBattery, PolicyState.ShutdownPending, PolicyState.ShuttingDown];

    public string Render()
    {
        var now = time.GetUtcNow();
        var p = new PrometheusText();
        p.Gauge("gateway_info", "Power Gateway build information", 1, ("version", StartInfo.Version));
        p.Gauge("gateway_uptime_seconds", "Seconds since the gateway started", Math.Round(start.Uptime.TotalSeconds, 3));
        p.Gauge("gateway_start_time_seconds", "Start time of the gateway, Unix seconds", start.StartedAt.ToUnixTimeMilliseconds() / 1000.0);
        WriteRuntime(p);
        p.Declare("gateway_device_link_state", "gauge", "1 for the current link state of a device (connecting, connected, stale, lost), 0 for the others");
        p.Declare("gateway_device_up", "gauge", "1 when the device is connected and its reading is fresh");
        p.Declare("gateway_device_reading_age_seconds", "gauge", "Age of the device's latest reading");
        p.Declare("ups_status", "gauge", "1 when the standard NUT ups.status flag is set, 0 when not");
        p.Declare("gateway_alarm_active", "gauge", "1 while an alarm (web.alarms thresholds, or the UPS's own ups.alarm) is on");

        foreach (var d in hub.Snapshot())
        {
            var dev = ("device", d.DeviceId);
            var linkName = HealthEndpoints.LinkName(d.Link);
            foreach (var s in LinkStates)
                p.Gauge("gateway_device_link_state", "", s == linkName ? 1 : 0, dev, ("state", s));
            var fresh = d.Fresh(now);
            p.Gauge("gateway_device_up", "", fresh is null ? 0 : 1, dev);
            if (d.Latest is { } latest)
                p.Gauge("gateway_device_reading_age_seconds", "", Math.Round(Math.Max(0, (now - latest.Timestamp).TotalSeconds), 3), dev);
            if (d.Kind == DeviceKind.Ups)
                foreach (var kind in AlarmKinds.All)
                    p.Gauge("gateway_alarm_active", "", alarms.For(d.DeviceId).Any(a => a.Kind == kind) ? 1 : 0, dev, ("alarm", kind));
            switch (fresh)
            {
                case UpsReading ups:
                    WriteUps(p, ups);
                    break;
                case MeterReading meter:
                    WriteMeter(p, meter);
                    break;
            }
        }
        WriteDrivers(p);
        WritePolicy(p, policy.Current, now);
        return p.ToString();
    }

    private static void WriteUps(PrometheusText p, UpsReading ups)
    {
        var dev = ("device", ups.DeviceId);
        foreach (var (flag, name) in UpsStatus.All)
            p.Gauge("ups_status", "", ups.Status.Has(flag) ? 1 : 0, dev, ("flag", name));
        foreach (var m in ups.Metrics)
        {
            var n = PrometheusNames.Ups(m);
            p.Add(n.Name, n.Counter ? "counter" : "gauge", n.Help, m.Value * n.Scale, [dev]);
        }
        p.Gauge("ups_info", "UPS identity (value is always 1)", 1, dev,
            ("mfr", ups.Get(NutNames.DeviceMfr) ?? ups.Get(NutNames.UpsMfr) ?? ""),
            ("model", ups.Get(NutNames.DeviceModel) ?? ups.Get(NutNames.UpsModel) ?? ""),
            ("serial", ups.Serial ?? ""),
            ("firmware", ups.Get(NutNames.UpsFirmware) ?? ""));
    }

    private static void WriteMeter(PrometheusText p, MeterReading meter)
    {
        var dev = ("device", meter.DeviceId);
        foreach (var m in meter.Metrics)
        {
            var n = PrometheusNames.Meter(m);
            (string, string)[] labels = n.Phase is null ? [dev] : [dev, ("phase", n.Phase)];
            p.Add(n.Name, n.Counter ? "counter" : "gauge", n.Help, m.Value * n.Scale, labels);
        }
    }

    private void WriteDrivers(PrometheusText p)
    {
        foreach (var d in directory.All.OrderBy(d => d.DeviceId, StringComparer.Ordinal))
        {
            var dev = ("device", d.DeviceId);
            var c = d.Counters;
            p.Counter("gateway_driver_requests_total", "Requests a driver sent to its device", c.Requests, dev);
            p.Counter("gateway_driver_timeouts_total", "Requests that got no answer in time", c.Timeouts, dev);
            p.Counter("gateway_driver_bad_frames_total", "Corrupt, truncated or mismatched frames or protocol lines, counted and skipped", c.BadFrames, dev);
            p.Counter("gateway_driver_bad_readings_total", "Readings rejected as implausible", c.BadReadings, dev);
            p.Counter("gateway_driver_reconnects_total", "Successful reconnects after the link was lost", c.Reconnects, dev);
            p.Counter("gateway_driver_link_losses_total", "Times the link to the device was lost", c.LinkLosses, dev);
        }
    }

    /// <summary>The managed heap after the last collection, per generation, and what the GC holds from the OS (bench/ reads these).</summary>
    private static void WriteRuntime(PrometheusText p)
    {
        var info = GC.GetGCMemoryInfo();
        string[] generations = ["gen0", "gen1", "gen2", "loh", "poh"];
        p.Declare("gateway_gc_heap_bytes", "gauge", "Managed heap size per generation after the last garbage collection");
        for (var i = 0; i < generations.Length && i < info.GenerationInfo.Length; i++)
            p.Gauge("gateway_gc_heap_bytes", "", info.GenerationInfo[i].SizeAfterBytes, ("generation", generations[i]));
        p.Gauge("gateway_gc_committed_bytes", "Memory the garbage collector has committed from the OS", info.TotalCommittedBytes);
        p.Counter("gateway_gc_allocated_bytes_total", "Bytes allocated on the managed heap since start", GC.GetTotalAllocatedBytes());
        p.Declare("gateway_gc_collections_total", "counter", "Garbage collections since start per generation");
        for (var g = 0; g <= 2; g++) p.Counter("gateway_gc_collections_total", "", GC.CollectionCount(g), ("generation", generations[g]));
    }

    private static void WritePolicy(PrometheusText p, PolicyStatus s, DateTimeOffset now)
    {
        foreach (var state in PolicyStates)
            p.Gauge("gateway_policy_state", "1 for the shutdown policy's current state (normal, on_battery, shutdown_pending, shutting_down)",
                s.State == state ? 1 : 0, ("state", PolicyStatus.StateName(state)));
        p.Gauge("gateway_policy_on_battery_seconds", "Seconds the protected UPS has been on battery (0 on line power)",
            s.OnBatterySince is { } since ? Math.Round(Math.Max(0, (now - since).TotalSeconds), 1) : 0);
        p.Declare("gateway_policy_next_trigger_eta_seconds", "gauge", "Estimated seconds until the next shutdown trigger fires (absent when none is expected)");
        if (s.NextTriggerEta is { } eta)
            p.Gauge("gateway_policy_next_trigger_eta_seconds", "", Math.Round(eta.TotalSeconds, 1), ("trigger", s.NextTrigger ?? ""));
        p.Gauge("gateway_policy_dry_run", "1 when the shutdown policy only rehearses (dry run)", s.DryRun ? 1 : 0);
        p.Declare("gateway_policy_failsafe_seconds", "gauge", "While the link to the UPS is lost in an outage: seconds until the link_lost failsafe fires (absent otherwise)");
        if (s.FailsafeAt is { } failsafe)
            p.Gauge("gateway_policy_failsafe_seconds", "", Math.Round(Math.Max(0, (failsafe - now).TotalSeconds), 1));
        p.Declare("gateway_policy_runtime_seconds", "gauge", "Battery runtime left of the protected UPS as the policy sees it; estimated=\"true\" when the gateway estimated it (absent when unknown)");
        if (s.RuntimeSeconds is { } runtime)
            p.Gauge("gateway_policy_runtime_seconds", "", runtime, ("estimated", s.RuntimeEstimated ? "true" : "false"));
    }
}
