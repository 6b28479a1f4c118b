using System.Diagnostics;
using Gateway.Tests.Support;

namespace Gateway.Tests.Migration;

/// <summary>The real binary: 'gateway import … | gateway check-config /dev/stdin' through a shell pipe, and -o OUT.</summary>
[Trait(Lane.Trait, Lane.FullOnly)]
public class ImportCommandBinaryTests
{
    private static readonly string Gateway = $"dotnet '{Path.Combine(AppContext.BaseDirectory, "gateway.dll")}'";

    private static async Task<(int Code, string Stdout, string Stderr)> ShellAsync(string script, string workDir)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        psi.ArgumentList.Add("-o");
        psi.ArgumentList.Add("pipefail");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.Environment["HOME"] = workDir;
        psi.Environment.Remove("GATEWAY_CONFIG");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    [Theory]
    [InlineData("must-monitor", "must-monitor-config.yaml", "ups (must)")]
    [InlineData("must-monitor", "must-monitor-minimal.yaml", "ups (must)")]
    [InlineData("ups-monitor", "ups-monitor-3.0.py", "ups (nut)")]
    [InlineData("ups-monitor", "ups-monitor-edited.py", "ups (nut)")]
    public async Task ImportPipedIntoCheckConfigPasses(string kind, string fixture, string device)
    {
        using var dir = new TempDir("gw-import");
        var input = ImportFixtures.Path(fixture);
        var (code, stdout, stderr) = await ShellAsync(
            $"{Gateway} import {kind} '{input}' 2>report.txt | {Gateway} check-config /dev/stdin", dir.Path);
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}\n{File.ReadAllText(dir.File("report.txt"))}");
        Assert.Contains($"OK (1 device: {device})", stdout);
        var report = File.ReadAllText(dir.File("report.txt"));
        Assert.Contains("mapped", report);
        Assert.Contains($"settings from {input}", report);
    }

    [Fact]
    public async Task OutputFileIsWrittenWithOwnerAndGroupOnlyAndPassesCheckConfig()
    {
        using var dir = new TempDir("gw-import");
        var (code, stdout, stderr) = await ShellAsync(
            $"{Gateway} import must-monitor '{ImportFixtures.Path("must-monitor-config.yaml")}' -o out/config.yaml && {Gateway} check-config out/config.yaml", dir.Path);
        Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("Written to out/config.yaml", stderr);
        Assert.Contains("not mapped:", stderr);
        Assert.Contains("monitoring.interval (line 13): the monitor read the UPS every 30 s", stderr);
        Assert.Contains("out/config.yaml: OK (1 device: ups (must))", stdout);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(dir.File("out/config.yaml")));
        Assert.Empty(Directory.GetFiles(dir.File("out"), "*.tmp"));
    }

    [Fact]
    public async Task AFileThatIsNotTheOldToolsWritesNothingAndExitsWith2()
    {
        using var dir = new TempDir("gw-import");
        File.WriteAllText(dir.File("script.py"), "print('not the monitor')\n");
        var (code, stdout, stderr) = await ShellAsync($"{Gateway} import ups-monitor script.py -o out.yaml", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("no 'class Config' found", stderr);
        Assert.Contains("Nothing was written", stderr);
        Assert.False(File.Exists(dir.File("out.yaml")));
        Assert.Equal("", stdout);

        (code, _, stderr) = await ShellAsync($"{Gateway} import must-monitor missing.yaml", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("missing.yaml: cannot be read", stderr);
    }
}
