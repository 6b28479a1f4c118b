using Gateway.Configuration;

namespace Gateway.Commands;

/// <summary><c>gateway check-config [FILE]</c>: validates a config file and reports every problem with its line.</summary>
internal static class CheckConfigCommand
{
    public static CliCommand Create()
    {
        var set = ConfigOptions.Set();
        var cmd = new CliCommand("check-config", "Check a configuration file and report every problem (file, line, key, reason)")
        {
            Options = { set },
            Arguments = { new CliArgument("FILE", "The config file to check (default: the search path of 'run')", Optional: true) },
        };
        cmd.Action = (pr, _) => Task.FromResult(Run(pr.Argument(0), pr.Values(set), Console.Out, Console.Error));
        return cmd;
    }

    /// <summary>Where Home Assistant's login for the built-in broker comes from (generated at first start when mqtt.username is not set).</summary>
    private static string BrokerLoginHint(GatewayConfig c)
    {
        var path = HomeAssistant.EmbeddedBrokerCredentials.PathIn(c.Gateway.DataDir);
        if (HomeAssistant.EmbeddedBrokerCredentials.TryRead(path) is { } login)
            return $"hint: log Home Assistant in to the built-in MQTT broker as user '{login.Username}' with password '{login.Password}' (from {path})";
        return File.Exists(path)
            ? $"hint: the built-in MQTT broker's login is in {path}, which this user cannot read; run check-config as the gateway's user (e.g. with sudo)"
            : $"hint: the built-in MQTT broker generates its login at first start into {path} (or set mqtt.username and mqtt.password); run check-config again afterwards to see it";
    }

    public static int Run(string? file, IReadOnlyList<string> overrides, TextWriter stdout, TextWriter stderr)
    {
        var result = ConfigLoader.Load(file, overrides);
        if (result.SourcePath is null && result.Config is not null)
        {
            stderr.WriteLine($"No config file found (looked in: {string.Join(", ", result.Searched)}). Name one: gateway check-config FILE");
            return ExitCodes.BadInput;
        }
        if (ConfigOptions.Report(result, stderr)) return ExitCodes.BadInput;
        var c = result.Config!;
        var devices = c.Devices.Count == 0 ? "no devices" : $"{c.Devices.Count} device{(c.Devices.Count == 1 ? "" : "s")}: {string.Join(", ", c.Devices.Select(d => $"{d.Id} ({d.Type})"))}";
        var settings = c.SettingsPath is null ? "" : $" with the web settings of {c.SettingsPath}";
        stdout.WriteLine($"{result.SourcePath}{settings}: OK ({devices})");
        if (c.Mqtt.EmbeddedBroker == true && string.IsNullOrEmpty(c.Mqtt.Username)) stdout.WriteLine(BrokerLoginHint(c));
        return ExitCodes.Ok;
    }
}
