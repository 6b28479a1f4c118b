using Gateway.Configuration;

namespace Gateway.LiveApply;

/// <summary>
/// Compares two configurations: which sections and devices differ (<see cref="Compare"/>), which of them the running
/// gateway takes live (<see cref="LiveSections"/>) and which only after a restart, each with a sentence
/// (<see cref="RestartReasons"/>).
/// </summary>
public static class ConfigDiff
{
    /// <summary>MQTT keys of the built-in broker: it listens once, at start.</summary>
    private static readonly string[] EmbeddedBrokerKeys = ["embedded_broker", "embedded_port", "embedded_listen"];

    public static ConfigChange Compare(GatewayConfig before, GatewayConfig after)
    {
        var sections = new HashSet<string>(StringComparer.Ordinal);
        void Section(string name, object a, object b)
        {
            if (!ConfigFingerprint.Same(a, b)) sections.Add(name);
        }
        Section("gateway", before.Gateway, after.Gateway);
        Section("mqtt", before.Mqtt, after.Mqtt);
        Section("nut_server", before.NutServer, after.NutServer);
        Section("web", before.Web, after.Web);
        Section("history", before.History, after.History);
        Section("policy", before.Policy, after.Policy);
        Section("shutdown", before.Shutdown, after.Shutdown);
        Section("gpio", before.Gpio, after.Gpio);
        Section("notifications", before.Notifications, after.Notifications);
        Section("logging", before.Logging, after.Logging);
        Section("battery", before.Battery, after.Battery);

        var old = before.Devices.ToDictionary(d => d.Id, StringComparer.Ordinal);
        var now = after.Devices.ToDictionary(d => d.Id, StringComparer.Ordinal);
        var added = after.Devices.Where(d => !old.ContainsKey(d.Id)).Select(d => d.Id).ToArray();
        var removed = before.Devices.Where(d => !now.ContainsKey(d.Id)).Select(d => d.Id).ToArray();
        var changed = after.Devices.Where(d => old.TryGetValue(d.Id, out var o) && !ConfigFingerprint.Same(o, d)).Select(d => d.Id).ToArray();
        var reordered = added.Length + removed.Length + changed.Length == 0 && !before.Devices.Select(d => d.Id).SequenceEqual(after.Devices.Select(d => d.Id));
        if (added.Length + removed.Length + changed.Length > 0 || reordered) sections.Add("devices");

        var usersChanged = !ConfigFingerprint.Same(before.NutServer, before.NutServer with { Users = after.NutServer.Users });
        var dryRunChanged = before.Shutdown.DryRun != after.Shutdown.DryRun;
        return new ConfigChange(sections, added, removed, changed, usersChanged, dryRunChanged);
    }

    /// <summary>The sections of <paramref name="change"/> the running gateway takes without a restart (in whole or in part).</summary>
    public static IReadOnlyList<string> LiveSections(ConfigChange change)
    {
        var live = new List<string>();
        if (change.Has("devices")) live.Add("devices");
        if (change.Has("mqtt")) live.Add("mqtt");
        if (change.NutUsersChanged) live.Add("nut_server");
        if (change.Has("policy")) live.Add("policy");
        if (change.DryRunChanged) live.Add("shutdown");
        if (change.Has("gpio")) live.Add("gpio");
        if (change.Has("notifications")) live.Add("notifications");
        return live;
    }

    /// <summary>
    /// One sentence for every setting of <paramref name="next"/> that the process started with <paramref name="running"/>
    /// can take only by restarting. Compared with what the process started with, so a setting changed and changed back
    /// needs no restart.
    /// </summary>
    public static IReadOnlyList<string> RestartReasons(GatewayConfig running, GatewayConfig next)
    {
        var reasons = new List<string>();
        foreach (var key in ConfigFingerprint.ChangedKeys(running.Gateway, next.Gateway))
            reasons.Add(key switch
            {
                "data_dir" => "gateway.data_dir: the history, the state files and the discovery record stay in the old directory until the gateway restarts",
                "name" => "gateway.name: MQTT topics, Home Assistant ids and notifications keep the old name until the gateway restarts",
                _ => $"gateway.{key}: takes effect when the gateway restarts",
            });

        foreach (var key in ConfigFingerprint.ChangedKeys(running.NutServer, next.NutServer).Where(k => k != "users"))
            reasons.Add(key switch
            {
                "listen" => "nut_server.listen: the NUT server keeps listening on the old addresses until the gateway restarts",
                "enabled" => "nut_server.enabled: the NUT server is started or stopped only when the gateway restarts",
                _ => $"nut_server.{key}: takes effect when the gateway restarts (connected NUT clients are dropped then and reconnect by themselves)",
            });

        foreach (var key in ConfigFingerprint.ChangedKeys(running.Mqtt, next.Mqtt).Where(k => EmbeddedBrokerKeys.Contains(k)))
            reasons.Add($"mqtt.{key}: the built-in MQTT broker keeps its old settings until the gateway restarts");

        foreach (var key in ConfigFingerprint.ChangedKeys(running.Web, next.Web))
            reasons.Add(key switch
            {
                "listen" => "web.listen: the dashboard and the API keep listening on the old address until the gateway restarts",
                "enabled" => "web.enabled: the web server is started or stopped only when the gateway restarts",
                _ => $"web.{key}: takes effect when the gateway restarts",
            });

        foreach (var key in ConfigFingerprint.ChangedKeys(running.History, next.History))
            reasons.Add($"history.{key}: the history store keeps its old settings until the gateway restarts");
        foreach (var key in ConfigFingerprint.ChangedKeys(running.Logging, next.Logging))
            reasons.Add($"logging.{key}: takes effect when the gateway restarts");
        foreach (var key in ConfigFingerprint.ChangedKeys(running.Battery, next.Battery))
            reasons.Add($"battery.{key}: takes effect when the gateway restarts");
        foreach (var key in ConfigFingerprint.ChangedKeys(running.Notifications, next.Notifications).Where(k => k is "brownout_voltage" or "overvoltage_voltage"))
            reasons.Add($"notifications.{key}: the power-quality watch keeps the old limit until the gateway restarts");
        foreach (var key in ConfigFingerprint.ChangedKeys(running.Shutdown, next.Shutdown).Where(k => k != "dry_run"))
            reasons.Add($"shutdown.{key}: the shutdown sequence keeps its old steps until the gateway restarts (never during an outage)");

        var before = running.ProtectedUps?.Id;
        var after = next.ProtectedUps?.Id;
        if (before != after)
            reasons.Add($"policy.protect: the policy keeps protecting {Describe(before)} until the gateway restarts, then protects {Describe(after)}");
        return reasons;
    }

    private static string Describe(string? deviceId) => deviceId is null ? "no UPS" : $"'{deviceId}'";
}
