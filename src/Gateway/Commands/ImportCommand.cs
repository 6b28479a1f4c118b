using Gateway.Migration;
using Gateway.Storage;

namespace Gateway.Commands;

/// <summary>
/// <c>gateway import must-monitor FILE [-o OUT]</c> and <c>gateway import ups-monitor FILE [-o OUT]</c>: the old tool's
/// settings as this gateway's YAML (to OUT, written atomically, or standard output), and on standard error what mapped
/// and what did not, each with why.
/// </summary>
internal static class ImportCommand
{
    /// <summary>The converted file may hold an MQTT password or a webhook URL: owner and group only (root:gateway, like /etc/gateway/config.yaml).</summary>
    private const UnixFileMode OutputMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    public static CliCommand Create()
    {
        var import = new CliCommand("import", "Turn the configuration of a tool this gateway replaces into a gateway configuration, with a report of what mapped and what did not");
        import.Subcommands.Add(Create(MustMonitorImporter.Kind, "the MUST EP20 monitor's config.yaml (mustmon.py)"));
        import.Subcommands.Add(Create(UpsMonitorImporter.Kind, "UPS Monitor 3.0's Python script (the settings of its Config dataclass; the script is read, never run)"));
        return import;
    }

    private static CliCommand Create(string kind, string what)
    {
        var output = new CliOption("--output", "Write the configuration here (atomically, mode 0640) instead of standard output", CliValueKind.Text, "OUT", "-o");
        var cmd = new CliCommand(kind, $"Convert {what} into this gateway's YAML")
        {
            Options = { output },
            Arguments = { new CliArgument("FILE", $"The file to convert: {what}") },
        };
        cmd.Action = (pr, ct) => RunAsync(kind, pr.Argument(0)!, pr.Value(output), Console.Out, Console.Error, ct);
        return cmd;
    }

    public static async Task<int> RunAsync(string kind, string file, string? output, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(file, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{file}: cannot be read ({e.Message}); name the {kind} file to convert");
            return ExitCodes.BadInput;
        }
        var result = ConfigImporters.Import(kind, text, file)!;
        if (!result.Succeeded)
        {
            stderr.WriteLine($"error: {result.Problem}");
            stderr.WriteLine("Nothing was written.");
            return ExitCodes.BadInput;
        }
        if (output is null)
        {
            await stdout.WriteAsync(result.Yaml).ConfigureAwait(false);
            await stdout.FlushAsync(ct).ConfigureAwait(false);
        }
        else
        {
            try
            {
                await AtomicFile.WriteAllTextAsync(output, result.Yaml!, ct, OutputMode).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.Write(result.Report.Format());
                stderr.WriteLine($"error: {output} cannot be written ({e.Message}); choose another -o path. Nothing was written.");
                return ExitCodes.BadInput;
            }
        }
        stderr.Write(result.Report.Format());
        stderr.WriteLine(output is null
            ? "Check it, then save it as /etc/gateway/config.yaml and run: gateway check-config /etc/gateway/config.yaml"
            : $"Written to {output}. Check it with: gateway check-config {output}");
        return ExitCodes.Ok;
    }
}
