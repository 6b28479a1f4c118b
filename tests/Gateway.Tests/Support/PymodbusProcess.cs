using System.Diagnostics;

namespace Gateway.Tests.Support;

/// <summary>
/// A Modbus slave script run by Debian's python3-pymodbus (/usr/bin/python3), started and stopped the same way by
/// every test that talks to a slave this project did not write. The script prints "serving" once it listens.
/// </summary>
public sealed class PymodbusProcess : IDisposable
{
    private readonly Process _python;

    private PymodbusProcess(Process python) => _python = python;

    /// <summary>Writes <paramref name="script"/> to <paramref name="path"/>, runs it with <paramref name="args"/> and waits for "serving".</summary>
    public static async Task<PymodbusProcess> StartAsync(string path, string script, params string[] args)
    {
        await File.WriteAllTextAsync(path, script);
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(path);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var python = Process.Start(psi)!;
        python.ErrorDataReceived += (_, _) => { };
        python.BeginErrorReadLine();
        var process = new PymodbusProcess(python);
        try
        {
            Assert.Equal("serving", await python.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        }
        catch
        {
            process.Dispose();
            throw;
        }
        return process;
    }

    public void Dispose()
    {
        try { _python.Kill(entireProcessTree: true); _python.WaitForExit(5000); } catch (InvalidOperationException) { }
        _python.Dispose();
    }
}
