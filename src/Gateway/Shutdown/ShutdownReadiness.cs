using Gateway.Configuration;

namespace Gateway.Shutdown;

/// <summary>
/// What the shutdown sequence depends on outside its configuration, checked as the user that runs it: the privileged
/// path (the root helper unit and polkit, or direct commands), the tools of each step, the SSH key and known_hosts
/// files. <c>gateway shutdown --dry-run</c> prints it before the rehearsal; the service logs it once at start.
/// </summary>
public static class ShutdownReadiness
{
    public const string PolkitRule = "/usr/share/polkit-1/rules.d/50-gateway-shutdown.rules";
    private static readonly string[] PolkitDaemons = ["/usr/lib/polkit-1/polkitd", "/usr/libexec/polkitd", "/usr/libexec/polkit-1/polkitd"];

    /// <summary>One line of the summary; <paramref name="Ok"/> false is something that would make a step fail.</summary>
    public sealed record Line(bool Ok, string Text);

    /// <param name="user">Who runs the steps (this process's user; tests name another).</param>
    public static IReadOnlyList<Line> Check(ShutdownOptions o, bool viaHelper, string? actionPath = null, string? polkitRule = null,
        IReadOnlyList<string>? polkitDaemons = null, string? user = null)
    {
        actionPath ??= PrivilegedHelper.ActionPath;
        polkitRule ??= PolkitRule;
        polkitDaemons ??= PolkitDaemons;
        var lines = new List<Line>();
        user ??= Environment.UserName;
        var privileged = o.Vms.Enabled || o.Containers.Enabled || o.Unmounts.Count > 0;
        var poweroffViaSystemctl = o.Local.Enabled && CommandText.Split(o.Local.Command) is [.., var last] && last == "poweroff" && CommandText.Split(o.Local.Command)[0] == "systemctl";

        if (viaHelper)
        {
            lines.Add(File.Exists(actionPath)
                ? new Line(true, $"privileged steps (VMs, containers, unmounts) run as root through gateway-shutdown@.service ({actionPath}), started by user {user}")
                : new Line(!privileged, $"the root helper {actionPath} is not installed, so VMs, containers and unmounts cannot be done as user {user}; install the gateway package or set shutdown.privileges: direct when running as root"));
        }
        else if (privileged)
        {
            lines.Add(user == "root"
                ? new Line(true, "privileged steps (VMs, containers, unmounts) run as direct commands as root (shutdown.privileges: " + o.Privileges + ")")
                : new Line(false, $"privileged steps run as direct commands as user {user}, who cannot stop VMs or unmount; run the packaged service (the root helper) or set shutdown.privileges: helper"));
        }

        if (user != "root" && ((viaHelper && privileged) || poweroffViaSystemctl))
        {
            var daemon = polkitDaemons.FirstOrDefault(File.Exists);
            // polkitd's rules directory is 0700 polkitd: a user that cannot look into it cannot tell, the rehearsal's
            // helper checks then ask polkit for real.
            var ruleDir = Path.GetDirectoryName(polkitRule)!;
            var rule = File.Exists(polkitRule) || (Directory.Exists(ruleDir) && !CanList(ruleDir));
            lines.Add(daemon is not null && rule
                ? new Line(true, $"polkit: {daemon} and {polkitRule} let user {user} power off and start gateway-shutdown@ units")
                : new Line(false, daemon is null
                    ? $"polkit is not installed, so user {user} may not power off or start gateway-shutdown@ units: apt install polkitd"
                    : $"polkit rule {polkitRule} is missing, so user {user} may not power off or start gateway-shutdown@ units; reinstall the gateway package"));
        }

        if (o.Vms.Enabled) lines.Add(Tool("virsh", "libvirt-clients", "vms", viaHelper));
        if (o.Containers.Enabled) lines.Add(Tool("docker", "docker.io", "containers", viaHelper));
        if (o.Unmounts.Count > 0 && !viaHelper) lines.Add(Tool("umount", "mount", "unmounts", false));

        if (o.RemoteHosts.Count > 0) lines.Add(Tool("ssh", "openssh-client", "remote_hosts", false));
        foreach (var h in o.RemoteHosts)
        {
            lines.Add(Readable(h.KeyFile, $"SSH key of remote host '{h.Name}'", $"the step ssh:{h.Name} cannot log in"));
            // A key owned by the user ssh runs as and readable by group or others is refused by OpenSSH itself: that
            // sentence, with its chmod 600, replaces the general one for secret files.
            var keyProblem = Ssh.SshKeyFileCheck.Problem(h.KeyFile) ?? SecretFileCheck.Problem(h.KeyFile, $"SSH key of remote host '{h.Name}'");
            if (keyProblem is not null) lines.Add(new Line(false, keyProblem));
            lines.Add(Readable(h.KnownHosts, $"known_hosts of remote host '{h.Name}'", $"ssh:{h.Name} refuses to connect without a verified host key"));
        }
        return lines;
    }

    private static bool CanList(string dir)
    {
        try { _ = Directory.EnumerateFileSystemEntries(dir).FirstOrDefault(); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    private static Line Tool(string name, string package, string step, bool viaHelper)
    {
        var found = Environment.GetEnvironmentVariable("PATH")?.Split(':').Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"])
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
        var who = viaHelper ? "the root helper" : "the step";
        return found is not null
            ? new Line(true, $"{step}: {name} is installed ({found}), used by {who}")
            : new Line(false, $"{step}: {name} is not installed, so {who} cannot run: apt install {package}");
    }

    private static Line Readable(string path, string what, string consequence)
    {
        try
        {
            using var f = File.OpenRead(path);
            return new Line(true, $"{what} {path} is readable by user {Environment.UserName}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Line(false, $"{what} {path} is not readable by user {Environment.UserName} ({e.GetType().Name}), so {consequence}; " +
                                   $"make it readable by that user, e.g. chown root:{SecretFileCheck.ServiceUser} {path} && chmod 640 {path}");
        }
    }
}
