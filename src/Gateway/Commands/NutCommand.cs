using System.Globalization;
using Gateway.Configuration;
using Gateway.Setup;

namespace Gateway.Commands;

/// <summary>
/// <c>gateway nut check [DIR]</c>: lint a NUT config folder (and compare it with the gateway's <c>type: nut</c> devices).
/// <c>gateway nut test HOST[:PORT] [UPS] [--user U --password P]</c>: the appliance's "test connection" button.
/// </summary>
internal static class NutCommand
{
    public static CliCommand Create()
    {
        var nut = new CliCommand("nut", "Network UPS Tools helpers: check NUT's config files, test a NUT server");
        nut.Subcommands.Add(CreateCheck());
        nut.Subcommands.Add(CreateTest());
        return nut;
    }

    private static CliCommand CreateCheck()
    {
        var config = ConfigOptions.ConfigFile();
        var cmd = new CliCommand("check", "Check ups.conf, upsd.conf, upsd.users, upsmon.conf and nut.conf for common mistakes (file:line: problem)")
        {
            Options = { config },
            Arguments = { new CliArgument("DIR", "NUT's config folder (default /etc/nut)", Optional: true) },
        };
        cmd.Action = (pr, _) => Task.FromResult(Check(pr.Argument(0) ?? "/etc/nut", pr.Value(config), Console.Out));
        return cmd;
    }

    private static CliCommand CreateTest()
    {
        var user = new CliOption("--user", "User from upsd.users (checks the login)", CliValueKind.Text, "USER", "-u");
        var password = new CliOption("--password", "That user's password", CliValueKind.Text, "PASSWORD", "-p");
        var cmd = new CliCommand("test", "Connect to a NUT server, list its UPSes, log in, print the variables, and explain any failure")
        {
            Options = { user, password },
            Arguments =
            {
                new CliArgument("HOST[:PORT]", "The NUT server, e.g. 192.168.1.10 or nas.local:3493"),
                new CliArgument("UPS", "The UPS name (default: the first the server lists)", Optional: true),
            },
        };
        cmd.Action = (pr, ct) => TestAsync(pr.Argument(0)!, pr.Argument(1), pr.Value(user), pr.Value(password), Console.Out, TimeProvider.System, ct);
        return cmd;
    }

    public static int Check(string dir, string? configFile, TextWriter output)
    {
        GatewayConfig? gateway = null;
        if (configFile is not null)
        {
            var loaded = ConfigLoader.Load(configFile);
            if (ConfigOptions.Report(loaded, output)) return ExitCodes.BadInput;
            gateway = loaded.Config;
        }
        var problems = NutConfigLinter.Lint(dir, gateway);
        foreach (var p in problems) output.WriteLine(p);
        output.WriteLine(problems.Count == 0
            ? $"{dir}: no problems found"
            : $"{problems.Count} problem{(problems.Count == 1 ? "" : "s")} found in {dir}");
        return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    public static async Task<int> TestAsync(string target, string? ups, string? user, string? password, TextWriter output, TimeProvider time, CancellationToken ct)
    {
        if (!TryParseTarget(target, out var host, out var port))
        {
            output.WriteLine($"'{target}' is not HOST or HOST:PORT (IPv6: [::1]:3493)");
            return ExitCodes.BadInput;
        }
        if ((user is null) != (password is null))
        {
            output.WriteLine("give both --user and --password, or neither");
            return ExitCodes.BadInput;
        }
        IReadOnlyDictionary<string, string>? vars = null;
        var result = await NutServerTest.RunAsync(host, port, ups, user, password, time, ct, v => vars = v).ConfigureAwait(false);
        foreach (var step in result.Steps ?? [])
            output.WriteLine($"{(step.Ok ? "ok  " : "FAIL")} {step.Text}");
        foreach (var (k, v) in vars ?? new Dictionary<string, string>()) output.WriteLine($"     {k}: {v}");
        return result.Ok ? ExitCodes.Ok : ExitCodes.Failure;
    }

    public static bool TryParseTarget(string text, out string host, out int port)
    {
        host = text;
        port = 3493;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0) return false;
            host = text[1..close];
            var rest = text[(close + 1)..];
            return rest.Length == 0 || (rest[0] == ':' && int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536);
        }
        var colon = text.IndexOf(':');
        if (colon >= 0)
        {
            if (text.IndexOf(':', colon + 1) >= 0) return true; // a bare IPv6 address
            host = text[..colon];
            if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535) return false;
        }
        return host.Length > 0;
    }
}
