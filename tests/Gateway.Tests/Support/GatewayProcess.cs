using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Gateway.Tests.Support;

/// <summary>
/// Runs the real gateway (gateway.dll from the test output, via `dotnet`) as a child process, captures its
/// output, and stops it with SIGTERM like systemd does.
/// </summary>
public sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TempDir? _ownedDir;

    private GatewayProcess(Process process, TempDir? ownedDir)
    {
        _process = process;
        _ownedDir = ownedDir;
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>
    /// Starts `gateway ARGS` in <paramref name="workDir"/> (a fresh temp dir by default, also used as HOME and for
    /// the default data_dir, so a test that names no data_dir never touches /var/lib/gateway);
    /// <paramref name="executable"/> runs a published (e.g. native AOT) gateway instead of gateway.dll;
    /// <paramref name="runAs"/> runs it as that user (through setpriv; the test must run as root), in a work
    /// directory that user can write.
    /// </summary>
    public static GatewayProcess Start(IEnumerable<string> args, string? workDir = null, IDictionary<string, string>? env = null, string? executable = null,
        UnprivilegedUser? runAs = null)
    {
        TempDir? owned = null;
        if (workDir is null)
        {
            owned = new TempDir("gw-proc");
            workDir = owned.Path;
            if (runAs is not null) File.SetUnixFileMode(workDir, (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit);
        }
        // Through env(1) with SIGHUP, SIGINT and SIGQUIT back at their defaults: a signal ignored when a process starts
        // stays ignored in .NET (no handler is installed for it), and a runner started with nohup or in the background
        // ignores exactly these. The gateway under systemd starts with defaults, so the tests do too.
        var psi = new ProcessStartInfo("env")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--default-signal=HUP,INT,QUIT");
        psi.ArgumentList.Add(runAs is null ? executable ?? "dotnet" : "setpriv");
        if (runAs is not null)
        {
            foreach (var a in runAs.SetprivArguments) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add(executable ?? "dotnet");
        }
        if (executable is null) psi.ArgumentList.Add(Path.Combine(runAs is null ? AppContext.BaseDirectory : ReadableCopy.Value, "gateway.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = workDir;
        psi.Environment["XDG_STATE_HOME"] = Path.Combine(workDir, "state");
        psi.Environment["STATE_DIRECTORY"] = Path.Combine(workDir, "state", "gateway");   // the default data_dir, also as root
        psi.Environment.Remove("GATEWAY_CONFIG");
        psi.Environment.Remove("NOTIFY_SOCKET");
        psi.Environment.Remove("JOURNAL_STREAM");
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var gp = new GatewayProcess(p, owned);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gp._output) gp._output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gp._output) gp._output.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return gp;
    }

    // Another user must reach gateway.dll, and a checkout may live under a directory only root can enter (CI clones
    // into mktemp -d, mode 0700): the app's own files are copied once per test run into a directory anyone may read.
    private static readonly Lazy<string> ReadableCopy = new(CopyAppForOtherUsers);

    private static string CopyAppForOtherUsers()
    {
        const UnixFileMode Readable = (UnixFileMode)0b111_101_101;
        var dir = Directory.CreateTempSubdirectory("gw-app-").FullName;
        File.SetUnixFileMode(dir, Readable);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } };
        var from = AppContext.BaseDirectory;
        using var deps = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(from, "gateway.deps.json")));
        var files = new HashSet<string>(StringComparer.Ordinal) { "gateway.dll", "gateway.deps.json", "gateway.runtimeconfig.json" };
        foreach (var target in deps.RootElement.GetProperty("targets").EnumerateObject())
            foreach (var library in target.Value.EnumerateObject())
                if (library.Value.TryGetProperty("runtime", out var runtime))
                    foreach (var asset in runtime.EnumerateObject()) files.Add(Path.GetFileName(asset.Name));
        foreach (var f in files)
        {
            var to = Path.Combine(dir, f);
            File.Copy(Path.Combine(from, f), to);
            File.SetUnixFileMode(to, (UnixFileMode)0b110_100_100);
        }
        return dir;
    }

    /// <summary>Polls an HTTP URL until it answers (any status) or the deadline passes.</summary>
    public async Task<HttpResponseMessage> WaitForHttpAsync(string url, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"gateway exited with {_process.ExitCode}:\n{Output}");
            try { return await client.GetAsync(url); }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { last = e; }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{url} did not answer within {timeout}: {last?.Message}\n{Output}");
    }

    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public void Terminate() => Signal(15);

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); return true; }
        catch (OperationCanceledException) { return false; }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await WaitForExitAsync(TimeSpan.FromSeconds(5));
        }
        _process.Dispose();
        _ownedDir?.Dispose();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
