using System.Text;

namespace Gateway.Shutdown;

/// <summary>
/// The narrow privileged path of the packaged appliance: the gateway runs as the unprivileged <c>gateway</c> user
/// with NoNewPrivileges, so VMs, containers and unmounts are done by the root-owned
/// <c>gateway-shutdown@ACTION.service</c> (systemd/gateway-shutdown-action), which a polkit rule lets the gateway
/// start and nothing else. <c>shutdown.privileges: auto</c> uses it when running as a non-root systemd service.
/// </summary>
public static class PrivilegedHelper
{
    /// <summary>Whether the steps go through the helper unit for this setting (auto | direct | helper).</summary>
    public static bool Use(string setting) => setting switch
    {
        "helper" => true,
        "direct" => false,
        _ => Environment.UserName != "root" && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("INVOCATION_ID")),
    };

    /// <summary>
    /// The command that runs one action as root: a oneshot unit, so <c>systemctl start</c> returns when it is done.
    /// The unit passes the raw instance (<c>%i</c>) to the helper, which validates it; only a path inside it is escaped.
    /// </summary>
    public static string[] Start(string action) => ["systemctl", "start", $"gateway-shutdown@{action}.service"];

    /// <summary>The action for one mount point: <c>unmount-</c> + the path as <c>systemd-escape --path</c> writes it.</summary>
    public static string UnmountAction(string path) => "unmount-" + EscapePath(path);

    /// <summary><c>systemd-escape --path</c>: trim and collapse slashes, '/' → '-', anything but [A-Za-z0-9:_.] → \xNN.</summary>
    public static string EscapePath(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "-" : EscapeInstance(string.Join('/', parts));
    }

    // systemd's unit_name_escape: '/' becomes '-', a leading '.' and every byte outside [A-Za-z0-9:_.] becomes \xNN.
    private static string EscapeInstance(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b == '/') sb.Append('-');
            else if ((b == '.' && i == 0) || !(char.IsAsciiLetterOrDigit((char)b) || b is (byte)':' or (byte)'_' or (byte)'.'))
                sb.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append((char)b);
        }
        return sb.ToString();
    }
}
