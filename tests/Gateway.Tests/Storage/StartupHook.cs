using Gateway.Tests.Reliability;
using Gateway.Tests.Storage;

/// <summary>
/// Lets the test assembly double as the child process of the SIGKILL tests (<see cref="Gateway.Tests.Support.TestAssemblyChild"/>):
/// <c>dotnet exec Gateway.Tests.dll</c> with DOTNET_STARTUP_HOOKS pointing at this assembly runs
/// <see cref="HistoryKillChild"/> or <see cref="PowerCutChild"/> before the (empty) Main, chosen by which
/// directory variable is set. Without either variable it does nothing.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var dir = Environment.GetEnvironmentVariable(HistoryKillChild.DirVariable);
        if (!string.IsNullOrEmpty(dir)) HistoryKillChild.Run(dir);
        dir = Environment.GetEnvironmentVariable(PowerCutChild.DirVariable);
        if (!string.IsNullOrEmpty(dir)) PowerCutChild.Run(dir);
    }
}
