namespace Gateway.Shutdown.Ssh;

/// <summary>
/// What one run of OpenSSH's <c>ssh</c> showed. <see cref="ExitCode"/> is null when the gateway stopped it (timeout,
/// cancellation, or a dry run that stops once logged in). <see cref="Stderr"/> holds ssh's own messages and the remote
/// command's standard error, without ssh's <c>debug1:</c> lines, which are read for the facts below.
/// </summary>
public sealed record OpenSshResult(
    int? ExitCode,
    bool TimedOut,
    string Stdout,
    string Stderr,
    string? HostKey,
    bool Authenticated,
    bool CommandSent,
    bool RemoteExitStatus)
{
    /// <summary>ssh could not be started (not installed); <see cref="Stderr"/> says why.</summary>
    public bool NotStarted { get; init; }
}
