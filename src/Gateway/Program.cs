using System.CommandLine;
using Gateway.Commands;

namespace Gateway;

/// <summary>Command-line verbs → host. Exit codes: 0 ok, 1 unexpected failure, 2 bad configuration or arguments.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = BuildCommandLine();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine("Run 'gateway --help' for the verbs and options.");
            return ExitCodes.BadInput;
        }
        try
        {
            // The host handles SIGTERM/SIGINT itself (clean stop within 5 s); the parser must not.
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"gateway: unexpected failure: {e}");
            return ExitCodes.Failure;
        }
    }

    public static RootCommand BuildCommandLine()
    {
        var root = new RootCommand("Power Gateway: reads UPSes and energy meters, serves NUT, publishes to Home Assistant, and shuts machines down safely.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(CheckConfigCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(NutCommand.Create());
        root.Subcommands.Add(ShutdownCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        return root;
    }
}
