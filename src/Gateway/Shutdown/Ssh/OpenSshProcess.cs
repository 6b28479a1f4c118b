using System.ComponentModel;
using System.Diagnostics;

namespace Gateway.Shutdown.Ssh;

/// <summary>
/// Runs OpenSSH's <c>ssh</c> (no shell; stdin closed) in a process group of its own, reads stdout and stderr as they
/// come with a cap on what is kept, and kills and reaps the group on timeout, on cancellation, or — when
/// <c>stopOnceAuthenticated</c> — as soon as ssh says it has logged in. ssh runs with <c>-v</c>: its <c>debug1:</c>
/// lines tell which host key the server offered, whether authentication succeeded, whether the command was sent and
/// whether the host sent an exit status, facts its exit code alone (255 for every failure) does not give.
/// </summary>
public static class OpenSshProcess
{
    private const int MaxKept = 16 * 1024;
    private static readonly TimeSpan ReapWait = TimeSpan.FromSeconds(2);

    /// <param name="program">The client to run: <c>ssh</c> on PATH (another name only in tests).</param>
    public static async Task<OpenSshResult> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout, bool stopOnceAuthenticated, TimeProvider time, CancellationToken ct,
        string program = "ssh")
    {
        var ssh = ProcessCommandExecutor.Resolve(program);
        if (ssh is null)
            return new OpenSshResult(null, false, "", $"{program} (the OpenSSH client) is not installed: apt install openssh-client", null, false, false, false) { NotStarted = true };
        var ownGroup = ProcessCommandExecutor.Setsid is not null && !OperatingSystem.IsWindows();
        var psi = new ProcessStartInfo(ownGroup ? ProcessCommandExecutor.Setsid! : ssh)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (ownGroup) psi.ArgumentList.Add(ssh);
        foreach (var a in arguments) psi.ArgumentList.Add(a);

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            return new OpenSshResult(null, false, "", $"cannot start {ssh}: {e.Message}", null, false, false, false) { NotStarted = true };
        }

        using (process)
        {
            var stdout = new ProcessCommandExecutor.BoundedOutput(MaxKept);
            var stderr = new ProcessCommandExecutor.BoundedOutput(MaxKept);
            string? hostKey = null;
            bool authenticated = false, commandSent = false, exitStatus = false;
            var loggedIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            process.OutputDataReceived += (_, e) => stdout.Add(e.Data);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not { } line) return;
                if (line.StartsWith("debug1: ", StringComparison.Ordinal))
                {
                    if (line.StartsWith("debug1: Server host key: ", StringComparison.Ordinal)) hostKey = line["debug1: Server host key: ".Length..].Trim();
                    else if (line.StartsWith("debug1: Sending command: ", StringComparison.Ordinal)) commandSent = true;
                    else if (line.Contains(" rtype exit-status ", StringComparison.Ordinal)) exitStatus = true;
                    return;
                }
                if (line.StartsWith("Authenticated to ", StringComparison.Ordinal))
                {
                    authenticated = true;
                    loggedIn.TrySetResult();
                    return;
                }
                // -v's version banner and the traffic summary at the end of every session say nothing a person needs.
                if (line.StartsWith("OpenSSH_", StringComparison.Ordinal) || line.StartsWith("Transferred: sent ", StringComparison.Ordinal) || line.StartsWith("Bytes per second: ", StringComparison.Ordinal)) return;
                stderr.Add(line);
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try { process.StandardInput.Close(); } catch (IOException) { }

            using var timeoutCts = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutCts.Token, ct);
            var exited = process.WaitForExitAsync(linked.Token);
            try
            {
                if (stopOnceAuthenticated)
                    await Task.WhenAny(exited, loggedIn.Task).ConfigureAwait(false);
                if (stopOnceAuthenticated && loggedIn.Task.IsCompleted)
                {
                    ProcessCommandExecutor.Kill(process, ownGroup);
                    await Reap(process, time).ConfigureAwait(false);
                    return new OpenSshResult(null, false, stdout.Text, stderr.Text, hostKey, true, commandSent, exitStatus);
                }
                await exited.ConfigureAwait(false);
                return new OpenSshResult(process.ExitCode, false, stdout.Text, stderr.Text, hostKey, authenticated, commandSent, exitStatus);
            }
            catch (OperationCanceledException)
            {
                ProcessCommandExecutor.Kill(process, ownGroup);
                await Reap(process, time).ConfigureAwait(false);
                if (ct.IsCancellationRequested && !timeoutCts.IsCancellationRequested) throw new OperationCanceledException(ct);
                return new OpenSshResult(null, true, stdout.Text, stderr.Text, hostKey, authenticated, commandSent, exitStatus);
            }
        }
    }

    private static async Task Reap(Process process, TimeProvider time)
    {
        try { await process.WaitForExitAsync(CancellationToken.None).WaitAsync(ReapWait, time).ConfigureAwait(false); }
        catch (TimeoutException) { }
    }
}
