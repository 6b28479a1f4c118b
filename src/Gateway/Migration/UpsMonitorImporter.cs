using System.Globalization;

namespace Gateway.Migration;

/// <summary>
/// Converts UPS Monitor 3.0 (a Python script whose settings are the defaults of a <c>@dataclass class Config</c> at
/// its top) into this gateway's configuration, without running the script: the NUT UPS it watched, its shutdown
/// thresholds, its shutdown sequence (every VM, every container, the mounts, the NAS over SSH, this host) and its
/// Discord webhook. Every field of the class ends up in the report: mapped, mapped for review, or not mapped with the
/// reason.
/// </summary>
public static class UpsMonitorImporter
{
    public const string Kind = "ups-monitor";
    public const string ToolName = "UPS Monitor 3.0";
    public const string ClassName = "Config";

    private static readonly Dictionary<string, (string Path, string Note)> PolicySeconds = new(StringComparer.Ordinal)
    {
        ["BATTERY_DEPLETION_WINDOW"] = ("policy.depletion_window", "the window the depletion rate is measured over"),
        ["DEPLETION_RATE_GRACE_PERIOD"] = ("policy.depletion_grace", "the depletion rate is ignored this long after power loss"),
        ["CRITICAL_RUNTIME_THRESHOLD"] = ("policy.critical_runtime", "shutdown when the UPS's runtime estimate falls below this"),
    };

    public static ImportResult Import(string text, string sourceName)
    {
        var draft = new ImportDraft(ToolName, sourceName);
        var fields = PythonDataclassReader.ReadClass(text, ClassName, out var problem);
        if (fields is null) return new ImportResult(null, draft.Report, $"{sourceName}: {problem}");
        if (fields.Count == 0)
            return new ImportResult(null, draft.Report, $"{sourceName}: 'class {ClassName}' has no 'NAME: type = value' fields; is this UPS Monitor 3.0's script?");

        var byName = new Dictionary<string, PythonField>(StringComparer.Ordinal);
        foreach (var f in fields) byName[f.Name] = f; // a repeated name: the last one wins, as in Python
        draft.Root.Comment($"Imported from {sourceName} ({ToolName}) by 'gateway import {Kind}'.");
        draft.Root.Comment("Every other key has its default: see config.yaml.example. Check with: gateway check-config FILE");

        MapUps(draft, byName);
        MapPolicy(draft, byName);
        MapNotifications(draft, byName);
        MapShutdown(draft, byName);

        foreach (var f in byName.Values)
        {
            if (draft.Report.Find(f.Name) is not null) continue;
            if (f.Name.StartsWith("COLOR_", StringComparison.Ordinal))
                draft.Skip(f.Name, f.Line, "the gateway colours Discord messages by severity itself (red critical, orange warning, green back to normal)");
            else if (f.Name is "LOG_FILE")
                draft.Skip(f.Name, f.Line, "the gateway logs to the systemd journal, not to a file (read it with: journalctl -u gateway)");
            else if (f.Name is "STATE_FILE" or "SHUTDOWN_SCHEDULED_FILE" or "BATTERY_HISTORY_FILE")
                draft.Skip(f.Name, f.Line, "the gateway keeps its own state and history in gateway.data_dir (written atomically); nothing to carry over");
            else
                draft.Skip(f.Name, f.Line, $"not a setting {ToolName} has; left out (set the matching key of config.yaml.example by hand if it meant something)");
        }
        return draft.Finish();
    }

    private static void MapUps(ImportDraft draft, Dictionary<string, PythonField> f)
    {
        var device = new YamlOutline().Set("id", "ups").Set("type", "nut");
        draft.Root.Set("devices", new List<object> { device });
        if (f.TryGetValue("UPS_NAME", out var name) && name.Value.Kind == PythonValueKind.String && TryParseUpsName(name.Value.Text, out var ups, out var host, out var port))
        {
            device.Set("host", host).Set("port", port).Set("ups", ups);
            draft.Report.Mapped("UPS_NAME", name.Line, "devices[0].host, port, ups", $"'{name.Value.Text}' is UPS '{ups}' on the NUT server {host}:{port}");
            device.Set("nut_name", "ups", "the name this gateway serves it under (a Synology NAS wants 'ups')");
        }
        else
        {
            device.Set("host", "127.0.0.1").Set("ups", "ups");
            if (name is null)
                draft.Report.Review("UPS_NAME", 0, "devices[0].ups", "not in the class; ups@127.0.0.1 is written: set the NUT server and UPS name (upsc -l HOST lists them)");
            else
                draft.Report.Review("UPS_NAME", name.Line, "devices[0].ups",
                    $"{name.Value.Shown} is not a NUT name like 'ups@192.168.1.10' or 'ups@host:3493'; ups@127.0.0.1 is written: set the NUT server and UPS name");
        }
        if (f.TryGetValue("CHECK_INTERVAL", out var check))
        {
            if (Seconds(check) is { } s) draft.Map("CHECK_INTERVAL", check.Line, "devices[0].poll_interval", s);
            else NotALiteral(draft, check, "devices[0].poll_interval");
        }
    }

    private static void MapPolicy(ImportDraft draft, Dictionary<string, PythonField> f)
    {
        if (f.TryGetValue("LOW_BATTERY_THRESHOLD", out var low))
        {
            if (low.Value.Kind == PythonValueKind.Number) draft.Map(low.Name, low.Line, "policy.low_battery_percent", Whole(low.Value));
            else NotALiteral(draft, low, "policy.low_battery_percent");
        }
        if (f.TryGetValue("CRITICAL_DEPLETION_RATE", out var rate))
        {
            if (rate.Value.Kind == PythonValueKind.Number) draft.Map(rate.Name, rate.Line, "policy.critical_depletion_rate", rate.Value.Number, "% per minute");
            else NotALiteral(draft, rate, "policy.critical_depletion_rate");
        }
        foreach (var (old, (path, note)) in PolicySeconds)
        {
            if (!f.TryGetValue(old, out var field)) continue;
            if (Seconds(field) is { } s) draft.Map(old, field.Line, path, s, note);
            else NotALiteral(draft, field, path);
        }
        if (f.TryGetValue("MAX_STALE_DATA_TOLERANCE", out var stale))
        {
            if (stale.Value.Kind == PythonValueKind.Number)
                draft.Map(stale.Name, stale.Line, "policy.stale_tolerance", Whole(stale.Value),
                    "the script shut down at once when the UPS stopped answering on battery; the gateway waits at least policy.link_lost_after (90 s) so a USB adapter that resets when the mains blinks is not a shutdown");
            else NotALiteral(draft, stale, "policy.stale_tolerance");
        }

        f.TryGetValue("EXTENDED_TIME", out var extended);
        f.TryGetValue("EXTENDED_TIME_ON_BATTERY_SHUTDOWN", out var extendedOn);
        var off = extendedOn is { Value.Kind: PythonValueKind.Bool } && !extendedOn.Value.Bool;
        if (extendedOn is not null)
        {
            if (extendedOn.Value.Kind != PythonValueKind.Bool) NotALiteral(draft, extendedOn, "policy.max_time_on_battery");
            else if (off) draft.Map(extendedOn.Name, extendedOn.Line, "policy.max_time_on_battery", TimeSpan.Zero, "the safety net was off; 0 keeps it off");
            else draft.Report.Mapped(extendedOn.Name, extendedOn.Line, "policy.max_time_on_battery", extended is null
                ? "on, with the gateway's 15m (EXTENDED_TIME is not in the class)" : "on: its time is EXTENDED_TIME");
        }
        if (extended is not null)
        {
            if (off) draft.Skip(extended.Name, extended.Line, "EXTENDED_TIME_ON_BATTERY_SHUTDOWN is False, so this time was never used; policy.max_time_on_battery is 0 (off)");
            else if (Seconds(extended) is { } s) draft.Map(extended.Name, extended.Line, "policy.max_time_on_battery", s, "the safety net for an aged battery");
            else NotALiteral(draft, extended, "policy.max_time_on_battery");
        }
    }

    private static void MapNotifications(ImportDraft draft, Dictionary<string, PythonField> f)
    {
        if (f.TryGetValue("DISCORD_WEBHOOK_URL", out var url))
        {
            if (url.Value.Kind != PythonValueKind.String) NotALiteral(draft, url, "notifications.discord.webhook_url");
            else if (url.Value.Text.Length == 0)
                draft.Skip(url.Name, url.Line, "empty: Discord notifications were off");
            else if (url.Value.Text.Contains("...", StringComparison.Ordinal) || url.Value.Text.Contains('<', StringComparison.Ordinal)
                     || !Uri.TryCreate(url.Value.Text, UriKind.Absolute, out var u) || u.Scheme != "https")
                draft.Skip(url.Name, url.Line, $"'{url.Value.Shown}' is the script's placeholder, not a webhook; set notifications.discord.webhook_url to the URL from Discord (channel settings, Integrations, Webhooks)");
            else draft.Map(url.Name, url.Line, "notifications.discord.webhook_url", url.Value.Text, "the webhook URL is a secret: keep the file readable only by root and the gateway (root:gateway 0640)");
        }
        if (f.TryGetValue("NOTIFICATION_TIMEOUT", out var timeout))
        {
            if (Seconds(timeout) is { } s) draft.Map(timeout.Name, timeout.Line, "notifications.timeout", s);
            else NotALiteral(draft, timeout, "notifications.timeout");
        }
        if (f.TryGetValue("NOTIFICATION_TIMEOUT_BLOCKING", out var blocking))
            draft.Skip(blocking.Name, blocking.Line, "the gateway never blocks a shutdown on a notification: messages go out in the background with notifications.timeout and notifications.retries");
    }

    private static void MapShutdown(ImportDraft draft, Dictionary<string, PythonField> f)
    {
        if (f.TryGetValue("DRY_RUN_MODE", out var dry))
        {
            if (dry.Value.Kind == PythonValueKind.Bool) draft.Map(dry.Name, dry.Line, "shutdown.dry_run", dry.Value.Bool);
            else NotALiteral(draft, dry, "shutdown.dry_run");
        }

        // The script stopped every running libvirt VM and every Docker container (when virsh / docker were installed).
        draft.Root.Put("shutdown.vms.enabled", true, "the script stopped every running VM (virsh shutdown, then destroy)");
        draft.Report.Review("(script) virsh shutdown of every running VM", 0, "shutdown.vms.enabled",
            "the script did this whenever virsh was installed; remove the step (enabled: false) if this host runs no VMs");
        if (f.TryGetValue("MAX_VM_WAIT", out var wait))
        {
            if (Seconds(wait) is { } s) draft.Map(wait.Name, wait.Line, "shutdown.vms.wait", s, "then virsh destroy (force_off), as the script did");
            else NotALiteral(draft, wait, "shutdown.vms.wait");
        }
        draft.Root.Put("shutdown.containers.enabled", true, "the script stopped every running Docker container");
        draft.Report.Review("(script) docker stop of every running container", 0, "shutdown.containers.enabled",
            "the script did this whenever docker was installed; names: [] stops them all, as it did");

        foreach (var list in f.Values.Where(x => x.Value.Kind == PythonValueKind.List && x.Name != "MOUNTS_TO_UNMOUNT"))
        {
            var names = list.Value.Items.Where(i => i.Kind == PythonValueKind.String).Select(i => i.Text).ToList();
            if (names.Count != list.Value.Items.Count || names.Count == 0) continue;
            if (list.Name.Contains("CONTAINER", StringComparison.Ordinal) || list.Name.Contains("DOCKER", StringComparison.Ordinal))
                draft.Map(list.Name, list.Line, "shutdown.containers.names", names.Cast<object>().ToList(), "only these containers are stopped");
            else if (list.Name.Contains("VM", StringComparison.Ordinal))
                draft.Report.Review(list.Name, list.Line, "shutdown.vms.enabled",
                    $"the gateway's final step stops every running VM, not a list ({string.Join(", ", names)}); to stop some earlier, name them in a shutdown.shedding stage's vms");
        }

        var unmountTimeout = f.TryGetValue("UNMOUNT_TIMEOUT", out var ut) ? Seconds(ut) : null;
        if (ut is not null && unmountTimeout is null) NotALiteral(draft, ut, "shutdown.unmounts[].timeout");
        var mounts = new List<object>();
        if (f.TryGetValue("MOUNTS_TO_UNMOUNT", out var mountField))
        {
            if (mountField.Value.Kind != PythonValueKind.List) NotALiteral(draft, mountField, "shutdown.unmounts");
            else
            {
                draft.Root.Put("shutdown.unmounts", mounts);
                for (var i = 0; i < mountField.Value.Items.Count; i++)
                {
                    var item = mountField.Value.Items[i];
                    var label = $"MOUNTS_TO_UNMOUNT[{i}]";
                    var (path, options) = item.Kind switch
                    {
                        PythonValueKind.String => (item.Text, ""),
                        PythonValueKind.List when item.Items.Count is 1 or 2 && item.Items.All(x => x.Kind == PythonValueKind.String) =>
                            (item.Items[0].Text, item.Items.Count == 2 ? item.Items[1].Text : ""),
                        _ => ((string?)null, ""),
                    };
                    if (path is null || !path.StartsWith('/'))
                    {
                        draft.Skip(label, mountField.Line, $"{item.Shown} is not a (\"/mount/point\", \"options\") pair with an absolute path; add it to shutdown.unmounts by hand");
                        continue;
                    }
                    var entry = new YamlOutline().Set("path", path);
                    if (options.Length > 0) entry.Set("options", options);
                    if (unmountTimeout is { } t) entry.Set("timeout", t);
                    mounts.Add(entry);
                    var newPath = $"shutdown.unmounts[{mounts.Count - 1}]";
                    if (options.Length > 0 && options.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(o => o is not ("-l" or "--lazy" or "-f" or "--force")))
                        draft.Report.Review(label, mountField.Line, newPath, $"{path} with options '{options}': through the root helper only -l/--lazy and -f/--force are passed; use shutdown.privileges: direct for other options");
                    else draft.Report.Mapped(label, mountField.Line, newPath, options.Length > 0 ? $"{path} ({options})" : path);
                }
                if (mountField.Value.Items.Count == 0) draft.Report.Mapped(mountField.Name, mountField.Line, "shutdown.unmounts", "empty: nothing to unmount");
                else draft.Report.Mapped(mountField.Name, mountField.Line, "shutdown.unmounts", $"{mounts.Count} mount(s), in the same order");
            }
        }
        if (ut is not null && unmountTimeout is { } timeout)
        {
            if (mounts.Count > 0) draft.Report.Mapped(ut.Name, ut.Line, "shutdown.unmounts[].timeout", $"{Configuration.Duration.Format(timeout)} on each mount");
            else draft.Skip(ut.Name, ut.Line, "there are no mounts to unmount, so there is no timeout to set");
        }

        MapNas(draft, f);
    }

    private static void MapNas(ImportDraft draft, Dictionary<string, PythonField> f)
    {
        f.TryGetValue("REMOTE_NAS_HOST", out var host);
        f.TryGetValue("REMOTE_NAS_USER", out var user);
        f.TryGetValue("REMOTE_NAS_PORT", out var port);
        f.TryGetValue("REMOTE_NAS_COMMAND", out var command);
        if (host is null && user is null) return;
        if (host is null || host.Value.Kind != PythonValueKind.String || host.Value.Text.Length == 0)
        {
            var why = host is null ? "REMOTE_NAS_HOST is not in the class" : host.Value.Kind != PythonValueKind.String ? $"REMOTE_NAS_HOST {host.Value.Shown} is not a literal string" : "REMOTE_NAS_HOST is empty";
            if (host is not null) draft.Skip(host.Name, host.Line, $"{why}: no NAS to shut down; add it to shutdown.remote_hosts by hand if there is one");
            foreach (var other in new[] { user, port, command }.OfType<PythonField>())
                draft.Skip(other.Name, other.Line, $"{why}, so there is no NAS for it");
            return;
        }
        var userName = user is { Value.Kind: PythonValueKind.String } && user.Value.Text.Length > 0 ? user.Value.Text : "root";
        var entry = new YamlOutline()
            .Set("name", "nas")
            .Set("host", host.Value.Text);
        if (port is not null)
        {
            if (port.Value.IsWholeNumber) { entry.Set("port", (int)port.Value.Number); draft.Report.Mapped(port.Name, port.Line, "shutdown.remote_hosts[0].port"); }
            else NotALiteral(draft, port, "shutdown.remote_hosts[0].port");
        }
        var shutdownCommand = command is { Value.Kind: PythonValueKind.String } && command.Value.Text.Length > 0 ? command.Value.Text : "sudo -i synoshutdown -s";
        entry.Set("user", userName)
            .Set("key_file", "/etc/gateway/id_ed25519", "the gateway's own key: ssh-keygen -t ed25519 -f /etc/gateway/id_ed25519, then ssh-copy-id -i it to the NAS")
            .Set("known_hosts", "/etc/gateway/known_hosts", "ssh-keyscan the NAS into it (the script skipped this check)")
            .Set("command", shutdownCommand)
            .Set("timeout", TimeSpan.FromSeconds(30), "the script's ssh timeout");
        draft.Root.Put("shutdown.remote_hosts", new List<object> { entry });
        draft.Report.Review(host.Name, host.Line, "shutdown.remote_hosts[0].host",
            "the script used root's SSH key and did not check the NAS's host key (StrictHostKeyChecking=no); the gateway uses key_file and verifies known_hosts: create both before the first outage, then test with 'gateway shutdown --dry-run'");
        if (user is null) draft.Report.Review("REMOTE_NAS_USER", 0, "shutdown.remote_hosts[0].user", "not in the class; 'root' is written: set the NAS account the key is authorised for");
        else if (user.Value.Kind != PythonValueKind.String || user.Value.Text.Length == 0)
            draft.Report.Review(user.Name, user.Line, "shutdown.remote_hosts[0].user", $"{user.Value.Shown} is not a user name; 'root' is written: set the NAS account the key is authorised for");
        else draft.Report.Mapped(user.Name, user.Line, "shutdown.remote_hosts[0].user");
        if (command is not null)
        {
            if (command.Value.Kind == PythonValueKind.String && command.Value.Text.Length > 0) draft.Report.Mapped(command.Name, command.Line, "shutdown.remote_hosts[0].command");
            else NotALiteral(draft, command, "shutdown.remote_hosts[0].command");
        }
        else draft.Report.Mapped("(script) NAS shutdown command", 0, "shutdown.remote_hosts[0].command", $"the script's '{shutdownCommand}' over SSH");
    }

    /// <summary>"ups@host:port" (NUT's upsname form); host defaults to localhost, port to 3493.</summary>
    public static bool TryParseUpsName(string text, out string ups, out string host, out int port)
    {
        ups = text.Trim();
        host = "127.0.0.1";
        port = 3493;
        var at = ups.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            var target = ups[(at + 1)..];
            ups = ups[..at];
            if (target.Length == 0 || !Commands.NutCommand.TryParseTarget(target, out host, out port)) return false;
            if (host == "localhost") host = "127.0.0.1";
        }
        return ups.Length > 0 && !ups.Contains(' ', StringComparison.Ordinal) && !ups.Contains(':', StringComparison.Ordinal);
    }

    private static TimeSpan? Seconds(PythonField f) =>
        f.Value.Kind == PythonValueKind.Number && double.IsFinite(f.Value.Number) && f.Value.Number >= 0 && f.Value.Number < 1e9
            ? TimeSpan.FromMilliseconds(Math.Round(f.Value.Number * 1000)) : null;

    /// <summary>A whole number stays an int; a fraction is kept as is, and the config check refuses it with its reason.</summary>
    private static object Whole(PythonValue v) => v.IsWholeNumber && Math.Abs(v.Number) <= int.MaxValue ? (int)v.Number : v.Number;

    private static void NotALiteral(ImportDraft draft, PythonField f, string newPath) =>
        draft.Skip(f.Name, f.Line, f.Value.Kind == PythonValueKind.Unparsed
            ? $"its value {f.Value.Shown} is not a literal the importer can read without running the script; set {newPath} by hand"
            : $"{f.Value.Shown} is not the kind of value this setting takes; set {newPath} by hand");
}
