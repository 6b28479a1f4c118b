using System.Globalization;
using Gateway.Yaml;

namespace Gateway.Migration;

/// <summary>
/// Converts the YAML configuration of the MUST EP20 monitor (<c>mustmon.py</c>: sections serial, web, monitoring,
/// battery, mqtt, logging) into this gateway's configuration. Every key of the old file ends up in the report:
/// mapped, mapped for review, or not mapped with the reason. The old MQTT document keeps flowing through
/// <c>mqtt.compat_must_monitor</c> so hand-written Home Assistant YAML works until it is moved to discovery.
/// </summary>
public static class MustMonitorImporter
{
    public const string Kind = "must-monitor";
    public const string ToolName = "MUST EP20 monitor";
    public const string DefaultTopic = "ups/telemetry";

    /// <summary>The battery the old tool's runtime calculation assumed when its file names none.</summary>
    private const double OldCapacityAh = 55, OldEfficiency = 0.88, OldPeukert = 1.15;

    public static ImportResult Import(string text, string sourceName)
    {
        var draft = new ImportDraft(ToolName, sourceName);
        YamlMappingNode root;
        try
        {
            var documents = YamlReader.ReadDocuments(text, Configuration.ConfigLoader.MaxDepth);
            if (documents.Count == 0 || documents[0] is not YamlMappingNode m)
                return new ImportResult(null, draft.Report, $"{sourceName} holds no settings: expected the monitor's config.yaml with sections such as serial:, mqtt: and web:");
            root = m;
        }
        catch (YamlException e)
        {
            return new ImportResult(null, draft.Report, $"{sourceName}:{e.Start.Line}:{e.Start.Column}: not valid YAML ({e.Message}); is this the monitor's config.yaml?");
        }

        draft.Root.Comment($"Imported from {sourceName} ({ToolName}) by 'gateway import {Kind}'.");
        draft.Root.Comment("Every other key has its default: see config.yaml.example. Check with: gateway check-config FILE");
        var device = new YamlOutline().Set("id", "ups").Set("type", "must");
        draft.Root.Set("devices", new List<object> { device });

        var settings = Flatten(root, draft);
        string Text(string key) => settings.TryGetValue(key, out var v) ? v.Value : "";
        int LineOf(string key) => settings.TryGetValue(key, out var v) ? v.Line : 0;

        // serial
        if (settings.ContainsKey("serial.port"))
        {
            var port = Text("serial.port");
            if (port.StartsWith("/dev/ttyUSB", StringComparison.Ordinal) || port.StartsWith("/dev/ttyACM", StringComparison.Ordinal))
                draft.MapForReview("serial.port", LineOf("serial.port"), "devices[0].port", port,
                    "a /dev/ttyUSB number can change after a replug; use the adapter's /dev/serial/by-id/ path (ls -l /dev/serial/by-id/) or the udev name /dev/gateway-ups",
                    "better: /dev/serial/by-id/usb-... or /dev/gateway-ups");
            else draft.Map("serial.port", LineOf("serial.port"), "devices[0].port", port);
        }
        else
        {
            device.Set("port", "/dev/gateway-ups", "the old file names no port (it was given on the command line?): set it");
            draft.Report.Review("serial.port", 0, "devices[0].port",
                "not in the file (the monitor also took it as its first command-line argument); the gateway's udev name /dev/gateway-ups is written: set the adapter's /dev/serial/by-id/ path if you do not install the udev rules");
        }
        MapInt(draft, settings, "serial.baudrate", "devices[0].baud");

        // web
        if (settings.ContainsKey("web.port") || settings.ContainsKey("web.host"))
        {
            var host = settings.ContainsKey("web.host") ? Text("web.host") : "0.0.0.0";
            var port = settings.ContainsKey("web.port") ? Text("web.port") : "8080";
            var listen = $"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}";
            foreach (var key in new[] { "web.port", "web.host" }.Where(settings.ContainsKey))
                draft.Map(key, LineOf(key), "web.listen", listen, "the dashboard, JSON API and /metrics are served there (stop the old monitor first: both default to port 8080)");
        }

        // monitoring
        if (settings.ContainsKey("monitoring.interval"))
            draft.Skip("monitoring.interval", LineOf("monitoring.interval"),
                $"the monitor read the UPS every {Text("monitoring.interval")} s; the gateway reads it every second and its work state every 250 ms so a power cut is seen at once (devices[].poll_interval, status_interval); keeping a slow interval would delay every shutdown decision");
        if (settings.ContainsKey("monitoring.max_errors"))
            draft.Skip("monitoring.max_errors", LineOf("monitoring.max_errors"),
                "the monitor exited after this many failed reads; the gateway never gives up: the device shows as Lost and reconnects by itself (devices[].lost_after counts failed requests before Lost)");
        if (settings.ContainsKey("monitoring.use_modbus_parser"))
            draft.Skip("monitoring.use_modbus_parser", LineOf("monitoring.use_modbus_parser"),
                "the gateway always reads the MUST over Modbus RTU with its own register map; there is no second parser to choose");

        // battery → runtimecal
        var batteryKeys = new[] { "battery.capacity_ah", "battery.inverter_efficiency", "battery.peukert_k" }.Where(settings.ContainsKey).ToList();
        if (batteryKeys.Count > 0)
        {
            var capacity = Number(settings, "battery.capacity_ah") ?? OldCapacityAh;
            var efficiency = Number(settings, "battery.inverter_efficiency") ?? OldEfficiency;
            var peukert = Number(settings, "battery.peukert_k") ?? OldPeukert;
            if (capacity is > 0 and < 10_000 && efficiency is > 0 and <= 1 && peukert is >= 1 and <= 2)
            {
                var cal = RuntimeCalFromBattery(capacity, efficiency, peukert);
                foreach (var key in batteryKeys)
                    draft.MapForReview(key, LineOf(key), "devices[0].runtimecal", cal,
                        $"the gateway estimates runtime from the runtime of a full battery at two loads; {cal} (s at 100 %, s at 50 % of 1000 W) is computed from {capacity.ToString(CultureInfo.InvariantCulture)} Ah, efficiency {efficiency.ToString(CultureInfo.InvariantCulture)} and Peukert {peukert.ToString(CultureInfo.InvariantCulture)}; time a real discharge and set it");
            }
            else
            {
                foreach (var key in batteryKeys)
                    draft.Skip(key, LineOf(key), "the battery values are out of any sensible range (capacity > 0 Ah, efficiency 0-1, Peukert 1-2), so no runtime calibration can be computed; the gateway's default runtimecal applies");
            }
        }

        // mqtt
        var mqttEnabled = settings.ContainsKey("mqtt.enabled") && Bool(Text("mqtt.enabled")) == true;
        var broker = settings.ContainsKey("mqtt.broker") ? Text("mqtt.broker") : null;
        if (settings.ContainsKey("mqtt.enabled"))
        {
            if (Bool(Text("mqtt.enabled")) is null)
                draft.Skip("mqtt.enabled", LineOf("mqtt.enabled"), $"expected true or false, got '{Text("mqtt.enabled")}'; MQTT is left off");
            else if (mqttEnabled) draft.Map("mqtt.enabled", LineOf("mqtt.enabled"), "mqtt.enabled", true);
            else if (broker is not null)
                draft.MapForReview("mqtt.enabled", LineOf("mqtt.enabled"), "mqtt.enabled", false,
                    "the monitor still published when a broker was set even with enabled: false; the gateway keeps MQTT off as the file says: set mqtt.enabled: true to publish");
            else draft.Map("mqtt.enabled", LineOf("mqtt.enabled"), "mqtt.enabled", false);
        }
        var usesMqtt = mqttEnabled || broker is not null;
        if (broker is not null) draft.Map("mqtt.broker", LineOf("mqtt.broker"), "mqtt.host", broker);
        else if (mqttEnabled)
        {
            draft.Root.Put("mqtt.host", "localhost");
            draft.Report.Mapped("mqtt.broker", 0, "mqtt.host", "not in the file; the monitor's default 'localhost' is written");
        }
        if (usesMqtt || settings.ContainsKey("mqtt.port")) MapInt(draft, settings, "mqtt.port", "mqtt.port");
        foreach (var (old, now) in new[] { ("mqtt.username", "mqtt.username"), ("mqtt.password", "mqtt.password") })
            if (settings.ContainsKey(old)) draft.Map(old, LineOf(old), now, Text(old), old.EndsWith("password", StringComparison.Ordinal) ? "keep the file readable only by root and the gateway (root:gateway 0640)" : "");
        if (settings.ContainsKey("mqtt.client_id"))
            draft.Map("mqtt.client_id", LineOf("mqtt.client_id"), "mqtt.client_id", Text("mqtt.client_id"),
                "while the old monitor still runs against the same broker, give one of them another id (a broker drops the older session of a repeated id)");
        if (usesMqtt)
        {
            var topic = settings.ContainsKey("mqtt.topic") ? Text("mqtt.topic") : DefaultTopic;
            var compatEnabled = mqttEnabled || !settings.ContainsKey("mqtt.enabled");
            draft.Root.Put("mqtt.compat_must_monitor.enabled", compatEnabled, "the old JSON document, for Home Assistant YAML written for the monitor");
            if (settings.ContainsKey("mqtt.topic"))
                draft.MapForReview("mqtt.topic", LineOf("mqtt.topic"), "mqtt.compat_must_monitor.topic", topic,
                    "the gateway publishes Home Assistant discovery under gateway/<name>/…; the old document keeps coming on this topic with the old field names so existing sensors keep working; move them to discovery (docs/migration.md), then set mqtt.compat_must_monitor.enabled: false");
            else draft.Root.Put("mqtt.compat_must_monitor.topic", topic);
        }
        else if (settings.ContainsKey("mqtt.topic"))
            draft.Skip("mqtt.topic", LineOf("mqtt.topic"), "MQTT was not in use (no broker and not enabled), so there is no old document to keep publishing");

        // logging
        if (settings.ContainsKey("logging.level"))
        {
            var level = Text("logging.level").ToUpperInvariant() switch
            {
                "DEBUG" => "debug",
                "INFO" => "information",
                "WARNING" or "WARN" => "warning",
                "ERROR" => "error",
                "CRITICAL" or "FATAL" => "critical",
                _ => null,
            };
            if (level is null) draft.Skip("logging.level", LineOf("logging.level"), $"'{Text("logging.level")}' is not a Python logging level (DEBUG, INFO, WARNING, ERROR, CRITICAL); the gateway's 'information' applies");
            else draft.Map("logging.level", LineOf("logging.level"), "logging.level", level);
        }
        if (settings.ContainsKey("logging.file"))
            draft.Skip("logging.file", LineOf("logging.file"), "the gateway logs to the systemd journal, not to a file (read it with: journalctl -u gateway); a log file on an SD card wears it out");
        if (settings.ContainsKey("logging.console"))
            draft.Skip("logging.console", LineOf("logging.console"), "the gateway always logs to standard output (the journal under systemd); logging.format chooses its form");

        foreach (var (key, v) in settings)
            if (draft.Report.Find(key) is null)
                draft.Skip(key, v.Line, $"not a setting the {ToolName} reads (its sections are serial, web, monitoring, battery, mqtt, logging); left out");
        return draft.Finish();
    }

    /// <summary>
    /// runtimecal ("s at 100 %, 100, s at 50 %, 50") for the MUST EP20's 1000 W on a 12 V battery, from the old tool's
    /// battery model: battery current I = P / (efficiency × 12 V), Peukert runtime t = 20 h × (C / (20 h × I))^k for a
    /// capacity C rated over 20 hours.
    /// </summary>
    public static string RuntimeCalFromBattery(double capacityAh, double efficiency, double peukert)
    {
        const double ratedWatts = 1000, volts = 12, ratedHours = 20;
        double Seconds(double watts)
        {
            var amps = watts / (efficiency * volts);
            return ratedHours * Math.Pow(capacityAh / (ratedHours * amps), peukert) * 3600;
        }
        var full = Math.Round(Seconds(ratedWatts));
        var half = Math.Round(Seconds(ratedWatts / 2));
        return string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, full)},100,{Math.Max(full + 1, half)},50");
    }

    private static void MapInt(ImportDraft draft, Dictionary<string, (string Value, int Line)> settings, string oldKey, string newKey)
    {
        if (!settings.TryGetValue(oldKey, out var v)) return;
        if (int.TryParse(v.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) draft.Map(oldKey, v.Line, newKey, n);
        else draft.Skip(oldKey, v.Line, $"expected a whole number, got '{v.Value}'; the gateway's default applies");
    }

    private static double? Number(Dictionary<string, (string Value, int Line)> settings, string key) =>
        settings.TryGetValue(key, out var v) && double.TryParse(v.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;

    private static bool? Bool(string text) => text.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "1" => true,
        "false" or "no" or "off" or "0" => false,
        _ => null,
    };

    /// <summary>Every scalar of the file as "section.key" → (text, line); sections and lists that are not scalars are reported as they are met.</summary>
    private static Dictionary<string, (string Value, int Line)> Flatten(YamlMappingNode root, ImportDraft draft)
    {
        var result = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        foreach (var (k, v) in root.Children)
        {
            var section = (k as YamlScalarNode)?.Value ?? k.ToString();
            if (v is YamlMappingNode m)
            {
                foreach (var (k2, v2) in m.Children)
                {
                    var key = $"{section}.{(k2 as YamlScalarNode)?.Value ?? k2.ToString()}";
                    if (v2 is YamlScalarNode s) result[key] = (s.Value ?? "", (int)s.Start.Line);
                    else draft.Skip(key, (int)v2.Start.Line, "expected a single value here, found a list or section; left out");
                }
            }
            else if (v is YamlScalarNode { Value: null or "" or "~" or "null" }) continue;
            else draft.Skip(section, (int)v.Start.Line, "expected a section of 'key: value' lines; left out");
        }
        return result;
    }
}
