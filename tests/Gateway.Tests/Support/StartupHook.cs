using Gateway.Tests.Reliability;
using Gateway.Tests.Storage;

/// <summary>
/// Lets the test assembly double as a child process (<see cref="Gateway.Tests.Support.TestAssemblyChild"/>):
/// <c>dotnet exec Gateway.Tests.dll</c> with DOTNET_STARTUP_HOOKS pointing at this assembly runs the program named
/// by <see cref="Gateway.Tests.Support.TestAssemblyChild.ProgramVariable"/> before the (empty) Main. Without that
/// variable (the normal test run) it does nothing.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var program = Environment.GetEnvironmentVariable(Gateway.Tests.Support.TestAssemblyChild.ProgramVariable);
        if (string.IsNullOrEmpty(program)) return;
        var dir = Environment.GetEnvironmentVariable(Gateway.Tests.Support.TestAssemblyChild.DirVariable) ?? "";
        switch (program)
        {
            case nameof(HistoryKillChild): HistoryKillChild.Run(dir); break;
            case nameof(PowerCutChild): PowerCutChild.Run(dir); break;
            default:
                Console.Error.WriteLine($"StartupHook: no child program named '{program}' (see Support/StartupHook.cs)");
                Environment.Exit(2);
                break;
        }
    }
}
