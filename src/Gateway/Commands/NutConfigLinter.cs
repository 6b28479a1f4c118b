using System.Globalization;
using Gateway.Configuration;
using Gateway.Drivers.Nut;

namespace Gateway.Commands;

/// <summary>
/// The lint list of docs/reference/nut.md §3 over a NUT config folder (ups.conf, upsd.conf, upsd.users, upsmon.conf, nut.conf),
/// plus a comparison of the gateway's <c>type: nut</c> devices with what those files say.
/// </summary>
public static class NutConfigLinter
{
    private static readonly string[] UpsGlobalKeys = ["chroot", "driverpath", "maxstartdelay", "maxretry", "retrydelay", "nowait", "pollinterval", "synchronous", "user", "group", "debug_min"];

    private static readonly string[] UpsSectionKeys =
    [
        "driver", "port", "desc", "sdorder", "nolock", "ignorelb", "maxstartdelay", "synchronous", "pollinterval", "debug_min", "user", "group",
        // Common driver options (usbhid-ups, nutdrv_qx, blazer_*, snmp-ups, dummy-ups); other drivers have more.
        "vendorid", "productid", "vendor", "product", "serial", "bus", "device", "busport", "usb_set_altinterface", "pollfreq", "pollonly",
        "offdelay", "ondelay", "onlinedischarge", "onlinedischarge_calibration", "interruptonly", "interruptsize", "explore", "maxreport",
        "subdriver", "protocol", "runtimecal", "chargetime", "idleload", "novendor", "norating", "langid_fix", "noscanlangid", "mode",
        "community", "snmp_version", "mibs", "secLevel", "secName", "authPassword", "privPassword", "authProtocol", "privProtocol",
        "default.battery.voltage.high", "default.battery.voltage.low", "override.battery.charge.low", "override.battery.runtime.low",
        "lowbatt", "cablepower", "baud_rate", "upstype", "ups.delay.shutdown", "ups.delay.start", "battery.charge.low",
    ];

    private static readonly string[] UpsdDirectives =
        ["LISTEN", "MAXAGE", "STATEPATH", "MAXCONN", "TRACKINGDELAY", "ALLOW_NO_DEVICE", "DEBUG_MIN", "CERTFILE", "CERTPATH", "CERTIDENT", "CERTREQUEST", "DISABLE_WEAK_SSL", "ALLOW_NOT_ALL_LISTENERS"];

    private static readonly string[] UpsmonDirectives =
    [
        "MONITOR", "MINSUPPLIES", "SHUTDOWNCMD", "NOTIFYCMD", "NOTIFYMSG", "NOTIFYFLAG", "POLLFREQ", "POLLFREQALERT", "DEADTIME", "HOSTSYNC",
        "FINALDELAY", "RBWARNTIME", "NOCOMMWARNTIME", "POWERDOWNFLAG", "RUN_AS_USER", "CERTPATH", "CERTVERIFY", "FORCESSL", "DEBUG_MIN",
        "CERTIDENT", "CERTHOST", "OFFDURATION", "OBLBDURATION",
    ];

    private static readonly string[] MonitorRoles = ["primary", "secondary", "master", "slave"];

    public static IReadOnlyList<NutLintProblem> Lint(string dir, GatewayConfig? gateway = null)
    {
        var problems = new List<NutLintProblem>();
        if (!Directory.Exists(dir))
        {
            problems.Add(new(dir, 0, "folder not found (NUT's configuration normally lives in /etc/nut)"));
            return problems;
        }
        var mode = LintNutConf(Path.Combine(dir, "nut.conf"), problems);
        var ups = Load(Path.Combine(dir, "ups.conf"), problems, required: mode is "standalone" or "netserver");
        var upsd = Load(Path.Combine(dir, "upsd.conf"), problems, required: false);
        var users = Load(Path.Combine(dir, "upsd.users"), problems, required: false);
        var upsmon = Load(Path.Combine(dir, "upsmon.conf"), problems, required: false);
        if (ups is not null) LintUpsConf(ups, problems);
        var listens = upsd is null ? [] : LintUpsdConf(upsd, mode, problems);
        var userTable = users is null ? null : LintUsers(users, problems);
        if (upsmon is not null) LintUpsmon(upsmon, userTable, problems);
        foreach (var f in new[] { upsd, users, upsmon }.Where(f => f is not null)) LintPermissions(f!.Path, problems);
        if (gateway is not null) CompareWithGateway(gateway, ups, listens, userTable, problems);
        return problems;
    }

    private static NutConfigFile? Load(string path, List<NutLintProblem> problems, bool required)
    {
        NutConfigFile? f;
        try { f = NutConfigFile.Load(path); }
        catch (UnauthorizedAccessException) { problems.Add(new(path, 0, "cannot read it (run as root, or add yourself to the 'nut' group)")); return null; }
        if (f is null)
        {
            if (required) problems.Add(new(path, 0, "missing: upsd needs it to know the UPSes"));
            return null;
        }
        foreach (var e in f.Errors) problems.Add(new(path, e.Line, $"parse error: {e.Error} (NUT stops reading the file here)"));
        return f;
    }

    private static string? LintNutConf(string path, List<NutLintProblem> problems)
    {
        if (!File.Exists(path)) return null;
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (UnauthorizedAccessException) { problems.Add(new(path, 0, "cannot read it")); return null; }
        string? mode = null;
        var modeLine = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (!line.StartsWith("MODE", StringComparison.Ordinal)) continue;
            modeLine = i + 1;
            if (!line.StartsWith("MODE=", StringComparison.Ordinal))
            {
                problems.Add(new(path, modeLine, "write MODE=value with no spaces around '=' (nut.conf is shell syntax; the service will not start)"));
                mode = "";
                continue;
            }
            mode = line[5..].Trim().Trim('"', '\'');
        }
        if (mode is null) problems.Add(new(path, 0, "no MODE line: NUT is disabled (MODE=none); set MODE=standalone or MODE=netserver"));
        else if (mode.Length == 0) problems.Add(new(path, modeLine, "MODE is empty: the NUT services exit silently; set MODE=standalone or MODE=netserver"));
        else if (mode == "none") problems.Add(new(path, modeLine, "MODE=none: NUT is disabled (upsd and upsmon print \"disabled\" and exit)"));
        else if (mode is not ("standalone" or "netserver" or "netclient")) problems.Add(new(path, modeLine, $"MODE={mode} is not one of none, standalone, netserver, netclient: the services exit silently"));
        return mode;
    }

    private static void LintUpsConf(NutConfigFile f, List<NutLintProblem> problems)
    {
        var sections = f.Sections.ToList();
        if (sections.Count == 0) problems.Add(new(f.Path, 0, "no UPS section: upsd stops with \"at least one UPS must be defined\" (unless ALLOW_NO_DEVICE true)"));
        foreach (var e in f.InSection(null))
            if (!UpsGlobalKeys.Contains(e.Key))
                problems.Add(new(f.Path, e.Line, $"'{e.Key}' is not a global ups.conf setting{Suggest(e.Key, UpsGlobalKeys)}; UPS settings go below a [name] line"));
        foreach (var s in sections)
        {
            var name = s.Section!;
            if (name == "default") problems.Add(new(f.Path, s.Line, "[default] is reserved; give the UPS another name"));
            var keys = f.InSection(name).ToList();
            if (!keys.Any(k => k.Key == "driver")) problems.Add(new(f.Path, s.Line, $"[{name}] has no 'driver': upsd skips this UPS"));
            if (!keys.Any(k => k.Key == "port")) problems.Add(new(f.Path, s.Line, $"[{name}] has no 'port' (usually 'port = auto' for USB): upsd skips this UPS"));
            foreach (var k in keys)
            {
                if (k.Key == "description")
                    problems.Add(new(f.Path, k.Line, "'description' is not a valid key; write 'desc' (the driver exits: \"'description' is not a valid variable name for this driver\")"));
                else if (!UpsSectionKeys.Contains(k.Key) && !k.Key.StartsWith("default.", StringComparison.Ordinal) && !k.Key.StartsWith("override.", StringComparison.Ordinal)
                    && Suggest(k.Key, UpsSectionKeys) is { Length: > 0 } hint)
                    problems.Add(new(f.Path, k.Line, $"unknown key '{k.Key}'{hint}: the driver exits with \"not a valid variable name\""));
                if (k.Words.Count < 2 && k.Key is "driver" or "port" or "desc")
                    problems.Add(new(f.Path, k.Line, $"'{k.Key}' has no value"));
            }
        }
    }

    private static List<(string Address, int Port)> LintUpsdConf(NutConfigFile f, string? mode, List<NutLintProblem> problems)
    {
        var listens = new List<(string, int)>();
        foreach (var e in f.Entries.Where(e => !e.IsSection))
        {
            if (UpsdDirectives.Contains(e.Key))
            {
                if (e.Key == "LISTEN")
                {
                    if (e.Words.Count < 2) problems.Add(new(f.Path, e.Line, "LISTEN needs an address"));
                    else
                    {
                        var port = 3493;
                        if (e.Words.Count >= 3 && !int.TryParse(e.Words[2], NumberStyles.None, CultureInfo.InvariantCulture, out port))
                            problems.Add(new(f.Path, e.Line, $"LISTEN port '{e.Words[2]}' is not a number"));
                        listens.Add((e.Words[1], port));
                    }
                }
                else if (e.Key == "MAXAGE" && (e.Value is null || !int.TryParse(e.Value, out var maxAge) || maxAge < 1))
                    problems.Add(new(f.Path, e.Line, "MAXAGE must be a number of seconds"));
            }
            else if (e.Key is "ACCEPT" or "REJECT" or "ACL")
                problems.Add(new(f.Path, e.Line, $"{e.Key} is obsolete and has no effect (use a firewall; upsd only warns)"));
            else if (UpsdDirectives.Contains(e.Key.ToUpperInvariant()))
                problems.Add(new(f.Path, e.Line, $"directives are case-sensitive: write '{e.Key.ToUpperInvariant()}' (upsd: \"invalid directive\")"));
            else
                problems.Add(new(f.Path, e.Line, $"unknown directive '{e.Key}'{Suggest(e.Key, UpsdDirectives)}"));
        }
        if (listens.Count == 0 && mode == "netserver")
            problems.Add(new(f.Path, 0, "MODE=netserver but no LISTEN line: upsd listens on localhost only, other machines get \"Connection refused\" (add e.g. LISTEN 0.0.0.0 3493)"));
        return listens;
    }

    internal sealed record NutUser(string Name, int Line, string? Password, string? UpsmonRole);

    private static Dictionary<string, NutUser> LintUsers(NutConfigFile f, List<NutLintProblem> problems)
    {
        var users = new Dictionary<string, NutUser>(StringComparer.Ordinal);
        foreach (var e in f.InSection(null)) problems.Add(new(f.Path, e.Line, $"'{e.Key}' is outside any [user] section"));
        foreach (var s in f.Sections)
        {
            string? password = null, role = null;
            foreach (var k in f.InSection(s.Section))
            {
                switch (k.Key.ToLowerInvariant())
                {
                    case "password": password = k.Value; break;
                    case "actions":
                        foreach (var a in k.Words.Skip(1))
                            if (!a.Equals("SET", StringComparison.OrdinalIgnoreCase) && !a.Equals("FSD", StringComparison.OrdinalIgnoreCase))
                                problems.Add(new(f.Path, k.Line, $"unknown action '{a}' (only SET and FSD)"));
                        break;
                    case "instcmds": break;
                    case "upsmon":
                        role = k.Value?.ToLowerInvariant();
                        if (role is not ("primary" or "secondary" or "master" or "slave"))
                            problems.Add(new(f.Path, k.Line, $"'upsmon {k.Value}': use 'upsmon primary' or 'upsmon secondary'"));
                        break;
                    default:
                        problems.Add(new(f.Path, k.Line, $"unknown key '{k.Key}' (upsd.users knows password, actions, instcmds, upsmon)"));
                        break;
                }
            }
            if (password is null) problems.Add(new(f.Path, s.Line, $"user [{s.Section}] has no password: it can never log in"));
            users[s.Section!] = new NutUser(s.Section!, s.Line, password, role);
        }
        return users;
    }

    private static void LintUpsmon(NutConfigFile f, Dictionary<string, NutUser>? users, List<NutLintProblem> problems)
    {
        int? pollFreq = null, deadTime = null;
        var deadLine = 0;
        var minSupplies = 1;
        var power = 0;
        var monitors = 0;
        foreach (var e in f.Entries.Where(e => !e.IsSection))
        {
            if (!UpsmonDirectives.Contains(e.Key))
            {
                problems.Add(new(f.Path, e.Line, UpsmonDirectives.Contains(e.Key.ToUpperInvariant())
                    ? $"directives are case-sensitive: write '{e.Key.ToUpperInvariant()}' (upsmon: \"invalid directive\")"
                    : $"unknown directive '{e.Key}'{Suggest(e.Key, UpsmonDirectives)}"));
                continue;
            }
            switch (e.Key)
            {
                case "MONITOR":
                    monitors++;
                    if (e.Words.Count == 5)
                    {
                        problems.Add(new(f.Path, e.Line, "MONITOR has the old 5-word form: write MONITOR ups@host 1 user password primary|secondary"));
                        break;
                    }
                    if (e.Words.Count != 6)
                    {
                        problems.Add(new(f.Path, e.Line, "MONITOR needs: MONITOR ups[@host[:port]] powervalue user password primary|secondary"));
                        break;
                    }
                    if (int.TryParse(e.Words[2], out var pv)) power += pv;
                    else problems.Add(new(f.Path, e.Line, $"power value '{e.Words[2]}' is not a number"));
                    var role = e.Words[5].ToLowerInvariant();
                    if (!MonitorRoles.Contains(role)) problems.Add(new(f.Path, e.Line, $"'{e.Words[5]}' is not primary or secondary"));
                    if (users is not null && IsLocal(e.Words[1]))
                    {
                        if (!users.TryGetValue(e.Words[3], out var u))
                            problems.Add(new(f.Path, e.Line, $"user '{e.Words[3]}' is not in upsd.users: LOGIN gets ERR ACCESS-DENIED"));
                        else
                        {
                            if (u.Password != e.Words[4]) problems.Add(new(f.Path, e.Line, $"the password for '{e.Words[3]}' differs from upsd.users line {u.Line}: LOGIN gets ERR ACCESS-DENIED"));
                            if (u.UpsmonRole is null) problems.Add(new(f.Path, e.Line, $"user '{e.Words[3]}' has no 'upsmon primary|secondary' line in upsd.users: LOGIN gets ERR ACCESS-DENIED"));
                            else if (role is "primary" or "master" && u.UpsmonRole is "secondary" or "slave")
                                problems.Add(new(f.Path, e.Line, $"MONITOR says primary but upsd.users gives '{e.Words[3]}' only 'upsmon {u.UpsmonRole}': it cannot set FSD"));
                        }
                    }
                    break;
                case "MINSUPPLIES":
                    if (!int.TryParse(e.Value, out minSupplies)) problems.Add(new(f.Path, e.Line, "MINSUPPLIES must be a number"));
                    break;
                case "POLLFREQ":
                    if (int.TryParse(e.Value, out var pf)) pollFreq = pf;
                    break;
                case "DEADTIME":
                    if (int.TryParse(e.Value, out var dt)) { deadTime = dt; deadLine = e.Line; }
                    break;
            }
        }
        var effectivePoll = pollFreq ?? 5;
        var effectiveDead = deadTime ?? 15;
        if (effectiveDead < 3 * effectivePoll)
            problems.Add(new(f.Path, deadLine, $"DEADTIME {effectiveDead} is less than 3 × POLLFREQ ({effectivePoll}): a single slow poll declares the UPS dead"));
        if (power < minSupplies)
            problems.Add(new(f.Path, 0, monitors == 0 && minSupplies > 0
                ? "no MONITOR line: upsmon stops with \"insufficient power configured\" (for monitoring only, set MINSUPPLIES 0)"
                : $"the MONITOR power values add up to {power}, less than MINSUPPLIES {minSupplies}: upsmon stops with \"insufficient power configured\""));
    }

    private static void LintPermissions(string path, List<NutLintProblem> problems)
    {
        if (OperatingSystem.IsWindows()) return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & UnixFileMode.OtherRead) != 0)
            problems.Add(new(path, 0, $"is world-readable ({Octal(mode)}) and holds passwords: chown root:nut and chmod 0640 (upsd warns about it)"));
        if ((mode & UnixFileMode.GroupRead) == 0 && (mode & UnixFileMode.OtherRead) == 0)
            problems.Add(new(path, 0, $"is not group-readable ({Octal(mode)}): the 'nut' user cannot read it; chown root:nut and chmod 0640"));
    }

    private static string Octal(UnixFileMode m) => Convert.ToString((int)m & 0x1FF, 8).PadLeft(4, '0');

    private static bool IsLocal(string system)
    {
        var at = system.IndexOf('@');
        if (at < 0) return true;
        var host = system[(at + 1)..];
        var colon = host.LastIndexOf(':');
        if (colon > 0 && !host.EndsWith(']')) host = host[..colon];
        return host is "localhost" or "::1" or "[::1]" || host.StartsWith("127.", StringComparison.Ordinal);
    }

    private static void CompareWithGateway(GatewayConfig gateway, NutConfigFile? ups, List<(string Address, int Port)> listens, Dictionary<string, NutUser>? users, List<NutLintProblem> problems)
    {
        foreach (var d in gateway.Devices.OfType<NutDeviceOptions>())
        {
            var local = d.Host is "localhost" or "::1" || d.Host.StartsWith("127.", StringComparison.Ordinal);
            if (!local) continue;
            var where = $"gateway device '{d.Id}'";
            if (ups is not null && !ups.Sections.Any(s => string.Equals(s.Section, d.Ups, StringComparison.OrdinalIgnoreCase)))
                problems.Add(new(ups.Path, 0, $"{where} reads UPS '{d.Ups}', but ups.conf has only: {string.Join(", ", ups.Sections.Select(s => s.Section))}"));
            var ports = listens.Count == 0 ? [3493] : listens.Select(l => l.Port).Distinct().ToList();
            if (!ports.Contains(d.Port))
                problems.Add(new("upsd.conf", 0, $"{where} connects to port {d.Port}, but upsd listens on {string.Join(", ", ports)}"));
            if (d.Username is not null && users is not null)
            {
                if (!users.TryGetValue(d.Username, out var u)) problems.Add(new("upsd.users", 0, $"{where} logs in as '{d.Username}', who is not in upsd.users"));
                else if (u.Password != d.Password) problems.Add(new("upsd.users", u.Line, $"{where}: the password for '{d.Username}' differs from upsd.users"));
            }
        }
    }

    /// <summary>" (did you mean 'x'?)" for a near miss (edit distance ≤ 2, case-insensitive), else "".</summary>
    private static string Suggest(string key, IEnumerable<string> known) => DidYouMean.Hint(key, known, 2);
}
