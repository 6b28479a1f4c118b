using Gateway.Configuration;
using Gateway.Shutdown;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// Once at start of the service (under systemd): the shutdown readiness summary (the same lines <c>gateway shutdown --dry-run</c> prints: privileged
/// path, polkit, tools, SSH key files) and the permission check of the TLS key. What would fail is a warning, also
/// shown in /api/health, as the UPS monitor this replaces checked its tools at start.
/// </summary>
internal sealed class ReadinessAnnouncer(GatewayConfig config, StartupWarnings warnings, ILogger<ReadinessAnnouncer> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var s = config.Shutdown;
        var anyStep = s.Vms.Enabled || s.Containers.Enabled || s.Unmounts.Count > 0 || s.RemoteHosts.Count > 0 || s.Local.Enabled;
        // As a systemd service (the appliance); a gateway run by hand in a shell has the rehearsal for that.
        var asService = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("INVOCATION_ID"));
        if (anyStep && asService)
        {
            var lines = ShutdownReadiness.Check(s, PrivilegedHelper.Use(s.Privileges));
            foreach (var line in lines)
            {
                if (line.Ok) log.LogInformation("Shutdown readiness: {Line}", line.Text);
                else
                {
                    log.LogWarning("Shutdown readiness: {Line}", line.Text);
                    warnings.Add("Shutdown readiness: " + line.Text);
                }
            }
        }
        var tlsKey = config.NutServer.KeyFile ?? config.NutServer.CertFile;
        if (config.NutServer.Enabled && tlsKey is not null)
        {
            // The same rule as the SSH keys: readable by the service (or STARTTLS is off), not by other users.
            var problem = SecretFileCheck.Unreadable(tlsKey, "TLS key of the NUT server", "STARTTLS stays off")
                          ?? SecretFileCheck.Problem(tlsKey, "TLS key of the NUT server");
            if (problem is not null)
            {
                log.LogWarning("{Problem}", problem);
                warnings.Add(problem);
            }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
