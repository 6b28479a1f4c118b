using System.Globalization;
using System.Text;
using Gateway.Configuration;

namespace Gateway.Shutdown;

/// <summary>
/// The narrow privileged path of the packaged appliance: the gateway runs as the unprivileged <c>gateway</c> user
/// with NoNewPrivileges, so VMs, containers and unmounts are done by the root-owned
/// <c>gateway-shutdown@REQUEST.service</c> (systemd/gateway-shutdown-action), which a polkit rule lets the gateway
/// start and nothing else. The request is the unit's instance name (escaped like <c>systemd-escape</c>) in the
/// helper's fixed vocabulary, e.g. <c>vms uri=qemu:///system wait=30 force-off</c> or <c>unmount lazy /mnt/nas</c>;
/// "check" after the verb is its dry run. <c>shutdown.privileges: auto</c> uses it when running as a non-root
/// systemd service.
/// </summary>
public static class PrivilegedHelper
{
    /// <summary>Where the package installs the action script; its presence means the helper unit is installed.</summary>
    public const string ActionPath = "/usr/lib/gateway/gateway-shutdown-action";

    /// <summary>Whether the steps go through the helper unit for this setting (auto | direct | helper).</summary>
    public static bool Use(string setting) => setting switch
    {
        "helper" => true,
        "direct" => false,
        _ => Environment.UserName != "root" && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("INVOCATION_ID")),
    };

    /// <summary>
    /// What the installed service would use (for the rehearsal, which is run from a shell): the service runs as the
    /// unprivileged user, so <c>auto</c> means the helper wherever the helper is installed.
    /// </summary>
    public static bool UseForService(string setting, bool helperInstalled) => setting switch
    {
        "helper" => true,
        "direct" => false,
        _ => helperInstalled || Use(setting),
    };

    /// <summary>The longest unit name systemd accepts (UNIT_NAME_MAX - 1).</summary>
    public const int UnitNameMax = 255;

    /// <summary>The unit that carries one request.</summary>
    public static string Unit(string request) => $"gateway-shutdown@{EscapeInstance(request)}.service";

    /// <summary>
    /// The command that runs one request as root: a oneshot unit, so <c>systemctl start</c> returns when it is done.
    /// The unit passes the unescaped instance (<c>%I</c>) to the helper, which validates every word.
    /// </summary>
    public static string[] Start(string request) => ["systemctl", "start", Unit(request)];

    /// <summary>
    /// How the last run of that unit ended (the helper sets no other output the gateway can read): systemd's result and
    /// the helper's exit status, as <c>Result=exit-code</c> and <c>ExecMainStatus=4</c> lines. The status counts only
    /// with <c>Result=exit-code</c>: after a start refused before the helper ran (start limit, cancelled job) it is the
    /// one of an earlier run.
    /// </summary>
    public static string[] Status(string request) => ["systemctl", "show", "--property=Result", "--property=ExecMainStatus", Unit(request)];

    /// <summary><c>vms [check] [uri=URI] wait=S [force-off] [NAME]</c>: every running VM, or the one named.</summary>
    public static string VmRequest(VmStepOptions o, bool check, string? name = null) =>
        Join("vms", check ? "check" : null, o.Uri.Length > 0 ? "uri=" + o.Uri : null, "wait=" + Seconds(o.Wait), o.ForceOff ? "force-off" : null, name);

    /// <summary><c>vm-start [check] [uri=URI] NAME</c>: one VM started again (already running counts as done).</summary>
    public static string VmStartRequest(string uri, string name, bool check) =>
        Join("vm-start", check ? "check" : null, uri.Length > 0 ? "uri=" + uri : null, name);

    /// <summary><c>container-start [check] NAME</c>: one container started again.</summary>
    public static string ContainerStartRequest(string name, bool check) => Join("container-start", check ? "check" : null, name);

    /// <summary><c>containers [check] timeout=S [NAME]</c>.</summary>
    public static string ContainerRequest(TimeSpan timeout, string? name, bool check) =>
        Join("containers", check ? "check" : null, "timeout=" + Seconds(timeout), name);

    /// <summary>
    /// <c>unmount [check] [lazy] [force] PATH</c>, or null with the reason when the configured umount options cannot be
    /// said in the helper's vocabulary (only -l/--lazy and -f/--force can).
    /// </summary>
    public static string? UnmountRequest(UnmountOptions o, bool check, out string? problem)
    {
        var lazy = false;
        var force = false;
        foreach (var option in CommandText.Split(o.Options))
        {
            switch (option)
            {
                case "-l" or "--lazy": lazy = true; break;
                case "-f" or "--force": force = true; break;
                case "-lf" or "-fl": lazy = force = true; break;
                default:
                    problem = $"umount option '{option}' of {o.Path} cannot go through the privileged helper (it accepts -l/--lazy and -f/--force); " +
                              "remove it from shutdown.unmounts or set shutdown.privileges: direct when the gateway runs as root";
                    return null;
            }
        }
        if (o.Path.Contains('\n') || o.Path.Contains('"') || o.Path.Contains('\\'))
        {
            problem = $"the unmount path '{o.Path}' contains a quote, backslash or newline, which the privileged helper does not accept";
            return null;
        }
        problem = null;
        return Join("unmount", check ? "check" : null, lazy ? "lazy" : null, force ? "force" : null, o.Path);
    }

    /// <summary>Runs one request through the helper unit and says what happened in words (the helper's exit status read back).</summary>
    public static async Task<HelperResult> RunAsync(ICommandExecutor executor, string request, TimeSpan timeout, CancellationToken ct)
    {
        var start = Start(request);
        var shown = CommandText.Format(start);
        // systemd refuses unit names of 256 characters or more ("Invalid unit name"), which would read back as an
        // unknown failure: say which setting makes it too long instead.
        if (Unit(request).Length > UnitNameMax)
            return new HelperResult(HelperStatus.Refused, shown,
                $"'{request}' is too long for the helper: escaped as a systemd unit name it has {Unit(request).Length} characters, at most {UnitNameMax} are allowed; " +
                "use a shorter mount path (e.g. a shorter mount point) or VM/container name");
        var r = await executor.RunAsync(start, timeout, ct).ConfigureAwait(false);
        if (r.Succeeded) return new HelperResult(HelperStatus.Done, shown, $"{request}: done as root by {Unit(request)}");
        if (r.TimedOut || r.StartError is not null) return new HelperResult(HelperStatus.Failed, shown, $"{shown}: {r.Describe()}");
        var text = r.Output;
        if (text.Contains("Access denied", StringComparison.OrdinalIgnoreCase) || text.Contains("authentication required", StringComparison.OrdinalIgnoreCase))
            return new HelperResult(HelperStatus.Denied, shown,
                $"polkit did not let user {Environment.UserName} start {Unit(request)}: is polkitd installed (apt install polkitd) and " +
                "/usr/share/polkit-1/rules.d/50-gateway-shutdown.rules present?");
        if (text.Contains("not found", StringComparison.OrdinalIgnoreCase))
            return new HelperResult(HelperStatus.Missing, shown, $"the helper unit gateway-shutdown@.service is not installed ({r.Describe()}); reinstall the gateway package");

        var status = await executor.RunAsync(Status(request), TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        var journal = $"journalctl -u '{Unit(request)}'";
        var result = status.Succeeded ? Property(status.Output, "Result") : null;
        var code = status.Succeeded && int.TryParse(Property(status.Output, "ExecMainStatus"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) ? c : -1;
        if (result is null || code < 0)
            return new(HelperStatus.Failed, shown, $"{shown} failed and how the helper ended cannot be read back ({r.Describe()}); is systemd running and the gateway package installed?");
        if (result != "exit-code")
            return new(HelperStatus.Failed, shown, $"'{request}': {Unit(request)} did not run to an answer (systemd's result: {result}; {r.Describe()}; see {journal})");
        return code switch
        {
            2 => new(HelperStatus.Refused, shown, $"the helper refused '{request}' (see {journal})"),
            3 => new(HelperStatus.ToolMissing, shown, $"'{request}': a tool the helper needs is not installed (see {journal})"),
            4 => new(HelperStatus.Absent, shown, $"'{request}': the target does not exist or is not mounted (see {journal})"),
            5 => new(HelperStatus.StillRunning, shown, $"'{request}': VMs were still running after the wait and force_off is false (see {journal})"),
            _ => new(HelperStatus.Failed, shown, $"'{request}' failed as root (exit {(code < 0 ? "unknown" : code.ToString(CultureInfo.InvariantCulture))}; see {journal})"),
        };
    }

    /// <summary>The dry-run / real report of one helper request.</summary>
    public static StepReport Report(HelperResult r, bool dryRun)
    {
        if (!dryRun)
            return r.Status switch
            {
                HelperStatus.Done => StepReport.Ok(r.Detail),
                HelperStatus.Absent => StepReport.Skipped(r.Detail),
                _ => StepReport.Failed(r.Detail),
            };
        return r.Status switch
        {
            HelperStatus.Done => StepReport.DryRun($"{r.Command} (the helper's check passed as root; the real run drops 'check')"),
            HelperStatus.Absent => StepReport.Skipped(r.Detail),
            _ => StepReport.Failed("rehearsal through the helper: " + r.Detail),
        };
    }

    /// <summary>The action for one mount point, as earlier versions named it: <c>systemd-escape --path</c>.</summary>
    public static string EscapePath(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "-" : EscapeInstance(string.Join('/', parts));
    }

    private static string? Property(string output, string name) =>
        output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    private static string Seconds(TimeSpan t) => ((long)Math.Ceiling(t.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string Join(params string?[] words) => string.Join(' ', words.Where(w => !string.IsNullOrEmpty(w)));

    // systemd's unit_name_escape: '/' becomes '-', a leading '.' and every byte outside [A-Za-z0-9:_.] becomes \xNN.
    internal static string EscapeInstance(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == '/') sb.Append('-');
            else if ((b == '.' && i == 0) || !(char.IsAsciiLetterOrDigit((char)b) || b is (byte)':' or (byte)'_' or (byte)'.'))
                sb.Append("\\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
            else sb.Append((char)b);
        }
        return sb.ToString();
    }
}
