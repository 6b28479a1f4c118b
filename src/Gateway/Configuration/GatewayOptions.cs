using System.Text.RegularExpressions;

namespace Gateway.Configuration;

/// <summary><c>gateway:</c> — the appliance's own name and where it keeps its state.</summary>
public sealed partial record GatewayOptions(string Name, string DataDir) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("name", Name);
        w.Add("data_dir", DataDir);
    }

    public static string DefaultDataDir()
    {
        // systemd's StateDirectory= sets STATE_DIRECTORY; a root install uses /var/lib; a user run its own state dir.
        var fromSystemd = Environment.GetEnvironmentVariable("STATE_DIRECTORY");
        if (!string.IsNullOrEmpty(fromSystemd)) return fromSystemd.Split(':')[0];
        if (Environment.UserName == "root") return "/var/lib/gateway";
        var xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".local", "state") : xdg, "gateway");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    internal static partial Regex IdPattern();

    internal static GatewayOptions Bind(ConfigSection s)
    {
        var name = s.String("name", "gateway");
        if (!IdPattern().IsMatch(name))
            s.Error("name", $"must be lower-case letters, digits, '-' or '_' (it is used in MQTT topics and Home Assistant ids), got '{name}'");
        return new GatewayOptions(name, s.String("data_dir", DefaultDataDir()));
    }
}
