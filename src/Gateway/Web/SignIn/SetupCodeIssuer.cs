using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Web.SignIn;

/// <summary>At start, while no admin password is set: makes the one-time setup code and tells the log where it is.</summary>
public sealed class SetupCodeIssuer(AdminPassword password, SetupCode code, ILogger<SetupCodeIssuer> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (password.ReadProblem is { } problem)
            log.LogError("Web settings: the admin password file {Path} cannot be read ({Reason}); fix its permissions (owner: the gateway's user, mode 0600)",
                password.Path, problem);
        if (!password.IsSet) await code.IssueAsync(log, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
