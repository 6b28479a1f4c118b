using Gateway.Configuration;

namespace Gateway.Commands;

/// <summary>Options shared by the verbs that read the configuration, and how problems are printed.</summary>
internal static class ConfigOptions
{
    public static CliOption ConfigFile() => new("--config",
        "Config file (default: $GATEWAY_CONFIG, ./config.yaml, ./config.yml, ~/.config/gateway/config.yaml, /etc/gateway/config.yaml)",
        CliValueKind.Text, "FILE", "-c");

    public static CliOption Set() => new("--set",
        "Override one setting, e.g. --set mqtt.host=10.0.0.2 (repeatable; beats environment and file)",
        CliValueKind.Text, "KEY=VALUE") { Repeatable = true };

    /// <summary>Prints every problem on stderr; returns true when there are errors.</summary>
    public static bool Report(ConfigLoadResult result, TextWriter err)
    {
        foreach (var p in result.Problems) err.WriteLine(p.ToString());
        var errors = result.Errors.Count();
        if (errors > 0)
        {
            err.WriteLine($"{errors} problem{(errors == 1 ? "" : "s")} in the configuration; fix {(errors == 1 ? "it" : "them")} and try again (check with: gateway check-config {result.SourcePath ?? "FILE"})");
            return true;
        }
        return false;
    }
}
