using System.ComponentModel;
using System.Diagnostics;
using Gateway.Configuration;

namespace Gateway.Commands;

/// <summary>
/// <c>gateway shutdown --dry-run</c> run as root on a packaged install re-runs itself as the service user, so the
/// rehearsal reads the SSH keys, asks polkit and starts the helper's checks exactly as gateway.service would (as root
/// it would read keys only root can read and never meet polkit).
/// </summary>
internal static class ServiceUserRehearsal
{
    private const string Marker = "GATEWAY_REHEARSAL_AS_SERVICE_USER";

    public static bool ShouldSwitch() =>
        Environment.UserName == "root" && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Marker)) && UserExists(SecretFileCheck.ServiceUser)
        && Environment.ProcessPath is not null && File.Exists("/usr/sbin/runuser");

    public static async Task<int> RunAsync(string? configPath, TextWriter stderr, CancellationToken ct)
    {
        var user = SecretFileCheck.ServiceUser;
        stderr.WriteLine($"Rehearsing as user {user}, the user gateway.service runs as (runuser -u {user}); as root the rehearsal would read files the service cannot.");
        var psi = new ProcessStartInfo("/usr/sbin/runuser") { UseShellExecute = false };
        foreach (var a in (string[])["-u", user, "--", Environment.ProcessPath!]) psi.ArgumentList.Add(a);
        var args = Environment.GetCommandLineArgs().Skip(1).ToList();
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (configPath is not null && !args.Contains("--config") && !args.Contains("-c"))
        {
            psi.ArgumentList.Add("--config");
            psi.ArgumentList.Add(Path.GetFullPath(configPath));
        }
        psi.Environment[Marker] = "1";
        try
        {
            using var p = Process.Start(psi)!;
            await p.WaitForExitAsync(ct).ConfigureAwait(false);
            return p.ExitCode;
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            stderr.WriteLine($"Cannot re-run the rehearsal as user {user} with runuser: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static bool UserExists(string name)
    {
        try { return File.ReadLines("/etc/passwd").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
