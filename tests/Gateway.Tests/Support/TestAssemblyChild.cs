using System.Diagnostics;

namespace Gateway.Tests.Support;

/// <summary>
/// Runs this test assembly as a child process (<c>dotnet exec Gateway.Tests.dll</c> with DOTNET_STARTUP_HOOKS
/// pointing at it, see Support/StartupHook.cs), so a test can SIGKILL real writer code at a random moment.
/// The child program prints progress lines with <see cref="Print"/>; the parent collects them, and
/// <see cref="KillAsync"/> returns only after every line the child printed was read.
/// </summary>
public sealed class TestAssemblyChild : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Task _reader;
    private readonly Task<string> _stderr;

    private TestAssemblyChild(Process process)
    {
        _process = process;
        _reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
                lock (_lines) _lines.Add(line);
        });
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Which program <c>StartupHook</c> runs in the child (the name of its class).</summary>
    public const string ProgramVariable = "GATEWAY_TEST_CHILD_PROGRAM";
    /// <summary>The directory the child program works in.</summary>
    public const string DirVariable = "GATEWAY_TEST_CHILD_DIR";

    /// <summary>Starts <paramref name="program"/> (a class name StartupHook knows) working in <paramref name="dir"/>.</summary>
    public static TestAssemblyChild Start(string program, string dir) =>
        Start(new Dictionary<string, string> { [ProgramVariable] = program, [DirVariable] = dir });

    /// <summary>For the child program: one progress line, flushed at once so a SIGKILL cannot hold it back.</summary>
    public static void Print(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    private static TestAssemblyChild Start(IReadOnlyDictionary<string, string> environment)
    {
        var testAssembly = typeof(TestAssemblyChild).Assembly.Location;
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(testAssembly);
        psi.Environment["DOTNET_STARTUP_HOOKS"] = testAssembly;
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        return new TestAssemblyChild(Process.Start(psi)!);
    }

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToArray(); }
    }

    /// <summary>The last line starting with <paramref name="prefix"/>, without the prefix, or null.</summary>
    public string? Last(string prefix)
    {
        lock (_lines)
            for (var i = _lines.Count - 1; i >= 0; i--)
                if (_lines[i].StartsWith(prefix, StringComparison.Ordinal)) return _lines[i][prefix.Length..];
        return null;
    }

    /// <summary>Waits until a line starting with <paramref name="prefix"/> arrives; returns its rest. Fails fast when the child dies.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Last(prefix) is { } rest) return rest;
            if (_process.HasExited)
            {
                await _reader.WaitAsync(TimeSpan.FromSeconds(5));
                if (Last(prefix) is { } late) return late;
                throw new InvalidOperationException($"the child exited with {_process.ExitCode} before printing '{prefix}'; stdout: {string.Join(" | ", Lines)}; stderr: {await _stderr.WaitAsync(TimeSpan.FromSeconds(5))}");
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the child printed no '{prefix}' within {timeout}; stdout: {string.Join(" | ", Lines)}");
            await Task.Delay(2);
        }
    }

    /// <summary>SIGKILL (Process.Kill on Linux), then waits for the exit and for every line printed before it.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync(cts.Token);
        await _reader.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
