using System.Text.RegularExpressions;

namespace Gateway.Tests.Repository;

/// <summary>
/// Every external program a test starts is probed by scripts/preflight.sh (through tests/packages.txt), so a test
/// that starts a new tool cannot pass here and fail obscurely on a fresh machine.
/// </summary>
public sealed partial class TestPackageListTests
{
    // Part of every Debian system (essential packages), so they need no entry.
    private static readonly string[] Essential = ["/bin/sh", "bash", "/bin/bash", "/bin/echo", "/bin/sleep", "/bin/true", "/bin/false", "chown", "env", "/usr/sbin/nologin", "dotnet"];

    [Fact]
    public void Every_program_the_tests_start_is_a_probe_in_the_package_list()
    {
        var probes = File.ReadLines(RepoPaths.File("tests", "packages.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            .ToHashSet();
        Assert.Contains("py:pymodbus.server", probes);

        var started = Directory.EnumerateFiles(RepoPaths.File("tests", "Gateway.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => Path.GetFileName(f) != nameof(TestPackageListTests) + ".cs")
            .SelectMany(f => StartedProgram().Matches(File.ReadAllText(f)).Select(m => (file: Path.GetFileName(f), program: m.Groups["p"].Value)))
            .Where(x => !Essential.Contains(x.program))
            .ToList();
        Assert.Contains(started, x => x.program == "mosquitto");   // the scan finds what it should

        var unprobed = started.Where(x => !Covered(x.program, probes)).Select(x => $"{x.file} starts '{x.program}'").Distinct();
        Assert.True(!unprobed.Any(), "add these programs, with their Debian package, to tests/packages.txt:\n" + string.Join("\n", unprobed));
    }

    private static bool Covered(string program, HashSet<string> probes)
    {
        if (probes.Contains(program)) return true;
        if (program == "/usr/bin/python3") return probes.Any(p => p.StartsWith("py:", StringComparison.Ordinal));
        var name = Path.GetFileName(program);
        return program.StartsWith('/') ? probes.Contains(name) : probes.Any(p => p.StartsWith('/') && Path.GetFileName(p) == name);
    }

    // new ProcessStartInfo("x" / RunAsync("x" / Process.Start("x" / an absolute path to a binary in a string of its own.
    [GeneratedRegex("""(?:ProcessStartInfo|RunAsync|Process\.Start)\(\s*"(?<p>[^"\s]+)"|"(?<p>/(?:usr/)?(?:s?bin|lib/nut)/[^"\s/]+)"(?=\s*[;,)\]])""")]
    private static partial Regex StartedProgram();
}
