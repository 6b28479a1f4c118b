using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Gateway.Shutdown;

/// <summary>
/// The one way the gateway runs a program (shutdown steps, the root helper, NUT driver control, nut-scanner): no
/// shell, stdin closed, stdout and stderr captured up to 16 KiB, a timeout. Each child starts in a process group of
/// its own (through <c>setsid</c>), so a timeout or a cancellation kills the whole group at once, including
/// grandchildren that were reparented to PID 1 and that a walk of the process tree would miss. The caller moves on
/// at once even when a process cannot die (umount of a dead NFS server sits in uninterruptible sleep).
/// </summary>
public sealed partial class ProcessCommandExecutor : ICommandExecutor
{
    private const int MaxOutput = 16 * 1024;
    private const int SigKill = 9;
    private static readonly TimeSpan ReapWait = TimeSpan.FromSeconds(1);
    internal static readonly string? Setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
    private readonly TimeProvider _time;

    public ProcessCommandExecutor(TimeProvider time) => _time = time;

    public async Task<CommandResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (argv.Count == 0) return new CommandResult(null, "", StartError: "empty command");
        // Resolved here so that a missing program is a start error, not setsid's own exit status.
        var program = Resolve(argv[0]);
        if (program is null) return new CommandResult(null, "", StartError: $"{argv[0]} not found (searched PATH)");
        var ownGroup = Setsid is not null && !OperatingSystem.IsWindows();
        var psi = new ProcessStartInfo(ownGroup ? Setsid! : program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (ownGroup) psi.ArgumentList.Add(program);
        for (var i = 1; i < argv.Count; i++) psi.ArgumentList.Add(argv[i]);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            return new CommandResult(null, "", StartError: e.Message);
        }

        using (process)
        {
            var output = new BoundedOutput(MaxOutput);
            process.OutputDataReceived += (_, e) => output.Add(e.Data);
            process.ErrorDataReceived += (_, e) => output.Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try { process.StandardInput.Close(); } catch (IOException) { }

            using var timeoutCts = new CancellationTokenSource(timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutCts.Token, cancellationToken);
            try
            {
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
                // The exit is known; give the output pipes a moment to drain (a grandchild may hold them open).
                await WaitQuietlyAsync(process.WaitForExitAsync(CancellationToken.None), ReapWait).ConfigureAwait(false);
                return new CommandResult(process.ExitCode, output.Text);
            }
            catch (OperationCanceledException)
            {
                Kill(process, ownGroup);
                await WaitQuietlyAsync(process.WaitForExitAsync(CancellationToken.None), ReapWait).ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested && !timeoutCts.IsCancellationRequested)
                    throw new OperationCanceledException(cancellationToken);
                return new CommandResult(null, output.Text, TimedOut: true);
            }
        }
    }

    /// <summary>An absolute or relative path as it is; a bare name looked up on PATH (as execvp would).</summary>
    public static string? Resolve(string program)
    {
        if (program.Contains('/')) return File.Exists(program) ? program : null;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
    }

    /// <summary>Kills a child started through <see cref="Setsid"/> with its whole process group (or its process tree without setsid).</summary>
    internal static void Kill(Process p, bool ownGroup)
    {
        // setsid exec'd the program in place: its pid is the group id of everything it started.
        if (ownGroup)
        {
            try { _ = KillSyscall(-p.Id, SigKill); }
            catch (Exception e) when (e is InvalidOperationException or DllNotFoundException or EntryPointNotFoundException) { }
        }
        try { p.Kill(entireProcessTree: true); }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException) { }
    }

    [LibraryImport("libc.so.6", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillSyscall(int pid, int signal);

    private async Task WaitQuietlyAsync(Task task, TimeSpan limit)
    {
        try { await task.WaitAsync(limit, _time).ConfigureAwait(false); }
        catch (TimeoutException) { }
    }

    /// <summary>Output lines kept up to a limit; the rest is dropped (a chatty program must not fill memory).</summary>
    internal sealed class BoundedOutput(int limit)
    {
        private readonly StringBuilder _sb = new();
        private readonly Lock _gate = new();

        public void Add(string? line)
        {
            if (line is null) return;
            lock (_gate)
            {
                if (_sb.Length >= limit) return;
                _sb.AppendLine(line.Length + _sb.Length > limit ? line[..(limit - _sb.Length)] : line);
            }
        }

        public string Text { get { lock (_gate) return _sb.ToString(); } }
    }
}
