using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Nut;

/// <summary>Runs the real NUT binaries for the tests, with a deadline, capturing their output.</summary>
internal static class NutProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>The name the NUT tests use for <see cref="Support.FreePort.Next"/>.</summary>
    public static int FreePort() => Support.FreePort.Next();

    /// <summary>The name the NUT tests use for <see cref="Wait.UntilAsync(Func{Task{bool}}, string, TimeSpan?)"/>.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) => Wait.UntilAsync(condition, what, timeout);

    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) => Wait.UntilAsync(condition, what, timeout);

    /// <summary>
    /// Sends raw lines to a NUT server and reads until <paramref name="expectedLines"/> lines came back (fewer when the
    /// server closes); <paramref name="from"/> picks the client's loopback address (127.0.0.2, …).
    /// </summary>
    public static async Task<List<string>> ConverseAsync(int port, string request, int expectedLines, TimeSpan? timeout = null, IPAddress? from = null)
    {
        using var tcp = from is null ? new TcpClient() : new TcpClient(new IPEndPoint(from, 0));
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var s = tcp.GetStream();
        await s.WriteAsync(Encoding.Latin1.GetBytes(request));
        var lines = new List<string>();
        var reader = new Gateway.Drivers.Nut.NutLineReader(s);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (lines.Count < expectedLines)
        {
            var r = await reader.ReadLineAsync(cts.Token);
            if (r.Status != Gateway.Drivers.Nut.NutLineStatus.Line) break;
            lines.Add(r.Line!);
        }
        return lines;
    }
}
