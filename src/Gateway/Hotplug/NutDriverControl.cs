using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Gateway.Hotplug;

/// <summary>
/// Restarts/stops a NUT driver with <c>systemctl … nut-driver@NAME</c> (Debian 12+: one unit per UPS) or, when that
/// unit does not exist, <c>upsdrvctl</c>. Failures are logged, never thrown.
/// </summary>
public sealed class NutDriverControl(string method, TimeProvider time, ILogger<NutDriverControl> log) : IUpsDriverControl
{
    public Task<bool> RestartAsync(string upsName, CancellationToken ct) =>
        UseSystemd() ? Run("systemctl", ["restart", $"nut-driver@{upsName}.service"], ct) : RestartWithUpsdrvctl(upsName, ct);

    public Task<bool> StopAsync(string upsName, CancellationToken ct) =>
        UseSystemd() ? Run("systemctl", ["stop", $"nut-driver@{upsName}.service"], ct) : Run("upsdrvctl", ["stop", upsName], ct);

    private async Task<bool> RestartWithUpsdrvctl(string upsName, CancellationToken ct)
    {
        await Run("upsdrvctl", ["stop", upsName], ct).ConfigureAwait(false);
        return await Run("upsdrvctl", ["start", upsName], ct).ConfigureAwait(false);
    }

    private bool UseSystemd() => method switch
    {
        "systemctl" => true,
        "upsdrvctl" => false,
        _ => File.Exists("/lib/systemd/system/nut-driver@.service") || File.Exists("/usr/lib/systemd/system/nut-driver@.service"),
    };

    private async Task<bool> Run(string file, string[] args, CancellationToken ct)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync(ct);
            _ = p.StandardOutput.ReadToEndAsync(ct);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60), time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, limit.Token);
            try { await p.WaitForExitAsync(timeout.Token).ConfigureAwait(false); }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                throw;
            }
            if (p.ExitCode == 0) return true;
            log.LogError("USB hotplug: '{Command}' failed ({Code}): {Error}", $"{file} {string.Join(' ', args)}", p.ExitCode, (await stderr.ConfigureAwait(false)).Trim());
            return false;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or OperationCanceledException)
        {
            log.LogError("USB hotplug: cannot run {Command}: {Error}", file, e.Message);
            return false;
        }
    }
}
