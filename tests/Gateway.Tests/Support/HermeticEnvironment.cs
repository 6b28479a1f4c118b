using System.Runtime.CompilerServices;

namespace Gateway.Tests.Support;

/// <summary>
/// Keeps every test away from the machine's real gateway state before any test code runs: the default data
/// directory (<c>GatewayOptions.DefaultDataDir</c>: /var/lib/gateway as root, ~/.local/state/gateway otherwise)
/// becomes a directory of this test run through STATE_DIRECTORY, which that default honours first (as under
/// systemd's StateDirectory=), and configuration from the developer's environment (GATEWAY_CONFIG,
/// GATEWAY_SECTION__KEY) is dropped. Child processes inherit both. ./test.sh checks afterwards that the real
/// default directories, /etc/gateway and ~/.config/gateway are unchanged.
/// </summary>
public static class HermeticEnvironment
{
    /// <summary>Set for the whole run (and inherited by child processes, which then reuse the same directory).</summary>
    public const string RunDirVariable = "GATEWAY_TEST_RUN_DIR";

    /// <summary>What the gateway's default data directory is during the tests.</summary>
    public static string DefaultDataDir { get; private set; } = "";

#pragma warning disable CA2255 // a module initializer is the point: it must run before any test touches the default
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Isolate()
    {
        var inherited = Environment.GetEnvironmentVariable(RunDirVariable);
        var runDir = string.IsNullOrEmpty(inherited)
            ? Directory.CreateTempSubdirectory($"gateway-tests-{Environment.ProcessId}-").FullName
            : inherited;
        DefaultDataDir = Path.Combine(runDir, "default-data-dir");
        Directory.CreateDirectory(DefaultDataDir);
        Environment.SetEnvironmentVariable(RunDirVariable, runDir);
        Environment.SetEnvironmentVariable("STATE_DIRECTORY", DefaultDataDir);
        Environment.SetEnvironmentVariable("XDG_STATE_HOME", Path.Combine(runDir, "xdg-state"));
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (name == "GATEWAY_CONFIG" || (name.StartsWith("GATEWAY_", StringComparison.Ordinal) && name.Contains("__", StringComparison.Ordinal)))
                Environment.SetEnvironmentVariable(name, null);
        if (string.IsNullOrEmpty(inherited))
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                try { Directory.Delete(runDir, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            };
    }
}
