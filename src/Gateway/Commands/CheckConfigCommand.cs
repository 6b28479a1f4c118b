using System.CommandLine;
using Gateway.Configuration;

namespace Gateway.Commands;

/// <summary><c>gateway check-config [FILE]</c>: validates a config file and reports every problem with its line.</summary>
internal static class CheckConfigCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("FILE") { Description = "The config file to check (default: the search path of 'run')", Arity = ArgumentArity.ZeroOrOne };
        var set = ConfigOptions.Set();
        var cmd = new Command("check-config", "Check a configuration file and report every problem (file, line, key, reason)") { file, set };
        cmd.SetAction(pr => Run(pr.GetValue(file), pr.GetValue(set) ?? [], Console.Out, Console.Error));
        return cmd;
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
        stdout.WriteLine($"{result.SourcePath}: OK ({devices})");
        return ExitCodes.Ok;
    }
}
