using Gateway.Commands;
using Gateway.Hosting;

namespace Gateway;

/// <summary>Command-line verbs → host. Exit codes: 0 ok, 1 unexpected failure, 2 bad configuration or arguments.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var parse = CliParser.Parse(BuildCommandLine(), args);
        if (parse.HelpRequested)
        {
            CliHelp.Write(parse, Console.Out);
            return ExitCodes.Ok;
        }
        if (parse.VersionRequested && parse.Errors.Count == 0)
        {
            Console.WriteLine(StartInfo.BuildVersion);
            return ExitCodes.Ok;
        }
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) Console.Error.WriteLine($"error: {e}");
            Console.Error.WriteLine("Run 'gateway --help' for the verbs and options.");
            return ExitCodes.BadInput;
        }
        try
        {
            // The host handles SIGTERM/SIGINT itself (clean stop within 5 s); the parser does not.
            return await parse.Command.Action!(parse, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"gateway: unexpected failure: {e}");
            return ExitCodes.Failure;
        }
    }

    internal static CliCommand BuildCommandLine() =>
        new("gateway", "Power Gateway: reads UPSes and energy meters, serves NUT, publishes to Home Assistant, and shuts machines down safely.")
        {
            Subcommands =
            {
                RunCommand.Create(),
                CheckConfigCommand.Create(),
                SimulateCommand.Create(),
                NutCommand.Create(),
                ShutdownCommand.Create(),
                ImportCommand.Create(),
            },
        };
}
