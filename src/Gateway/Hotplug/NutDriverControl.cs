using Gateway.Shutdown;
using Microsoft.Extensions.Logging;

namespace Gateway.Hotplug;

/// <summary>
/// Restarts/stops a NUT driver with <c>systemctl … nut-driver@NAME</c> (Debian 12+: one unit per UPS) or, when that
/// unit does not exist, <c>upsdrvctl</c>, through the gateway's one process runner (<see cref="ICommandExecutor"/>:
/// timeout, whole process group killed, bounded output). Failures are logged, never thrown.
/// </summary>
public sealed class NutDriverControl(string method, ICommandExecutor executor, ILogger<NutDriverControl> log) : IUpsDriverControl
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    public Task<bool> RestartAsync(string upsName, CancellationToken ct) =>
        UseSystemd() ? Run(["systemctl", "restart", $"nut-driver@{upsName}.service"], ct) : RestartWithUpsdrvctl(upsName, ct);

    public Task<bool> StopAsync(string upsName, CancellationToken ct) =>
        UseSystemd() ? Run(["systemctl", "stop", $"nut-driver@{upsName}.service"], ct) : Run(["upsdrvctl", "stop", upsName], ct);

    private async Task<bool> RestartWithUpsdrvctl(string upsName, CancellationToken ct)
    {
        await Run(["upsdrvctl", "stop", upsName], ct).ConfigureAwait(false);
        return await Run(["upsdrvctl", "start", upsName], ct).ConfigureAwait(false);
    }

    private bool UseSystemd() => method switch
    {
        "systemctl" => true,
        "upsdrvctl" => false,
        _ => File.Exists("/lib/systemd/system/nut-driver@.service") || File.Exists("/usr/lib/systemd/system/nut-driver@.service"),
    };

    private async Task<bool> Run(string[] argv, CancellationToken ct)
    {
        try
        {
            var r = await executor.RunAsync(argv, CommandTimeout, ct).ConfigureAwait(false);
            if (r.Succeeded) return true;
            log.LogError("USB hotplug: '{Command}' failed: {Result}", CommandText.Format(argv), r.Describe());
            return false;
        }
        catch (OperationCanceledException)
        {
            log.LogError("USB hotplug: '{Command}' was cancelled (the gateway is stopping)", CommandText.Format(argv));
            return false;
        }
    }
}
