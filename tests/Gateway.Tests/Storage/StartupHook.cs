using Gateway.Tests.Storage;

/// <summary>
/// Lets the test assembly double as the child process of the SIGKILL test: <c>dotnet exec Gateway.Tests.dll</c>
/// with DOTNET_STARTUP_HOOKS pointing at this assembly runs <see cref="HistoryKillChild"/> before the (empty) Main.
/// Without the variable it does nothing.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var dir = Environment.GetEnvironmentVariable(HistoryKillChild.DirVariable);
        if (!string.IsNullOrEmpty(dir)) HistoryKillChild.Run(dir);
    }
}
