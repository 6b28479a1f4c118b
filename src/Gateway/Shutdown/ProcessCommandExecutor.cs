using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Gateway.Shutdown;

/// <summary>
/// Runs commands as child processes. On timeout the whole process tree is killed and the caller moves on at once,
/// even when the process cannot die (umount of a dead NFS server sits in uninterruptible sleep): nobody waits for it.
/// </summary>
public sealed class ProcessCommandExecutor : ICommandExecutor
{
    private const int MaxOutput = 16 * 1024;
    private static readonly TimeSpan ReapWait = TimeSpan.FromSeconds(1);
    private readonly TimeProvider _time;

    public ProcessCommandExecutor(TimeProvider time) => _time = time;

    public async Task<CommandResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (argv.Count == 0) return new CommandResult(null, "", StartError: "empty command");
        var psi = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
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
                Kill(process);
                await WaitQuietlyAsync(process.WaitForExitAsync(CancellationToken.None), ReapWait).ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested && !timeoutCts.IsCancellationRequested)
                    throw new OperationCanceledException(cancellationToken);
                return new CommandResult(null, output.Text, TimedOut: true);
            }
        }
    }

    private static void Kill(Process p)
    {
        try { p.Kill(entireProcessTree: true); }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException) { }
    }

    private async Task WaitQuietlyAsync(Task task, TimeSpan limit)
    {
        try { await task.WaitAsync(limit, _time).ConfigureAwait(false); }
        catch (TimeoutException) { }
    }

    private sealed class BoundedOutput(int limit)
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
