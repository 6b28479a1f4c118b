using Gateway.Commands;
using Gateway.Tests.Support;

namespace Gateway.Tests.Commands;

public class CommandLineTests
{
    [Fact]
    public void CheckConfigPassesOnTheExample()
    {
        var (code, stdout, stderr) = CheckConfig(RepoPaths.File("config.yaml.example"));
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("OK (3 devices: ups (must), grid (em340), pv (modbus))", stdout);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void CheckConfigFailsWithExitCode2AndOneLinePerProblem()
    {
        using var dir = new TempDir();
        var f = dir.Write("bad.yaml", "devices:\n  - { id: a, type: must, port: /dev/x, pol_interval: 1s }\n  - { id: a, type: em340, port: /dev/y }\nmqtt:\n  port: abc\n");
        var (code, stdout, stderr) = CheckConfig(f);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith($"{f}:2:", lines[0]);
        Assert.StartsWith($"{f}:3:", lines[1]);
        Assert.StartsWith($"{f}:5:", lines[2]);
        Assert.StartsWith("3 problems in the configuration", lines[3]);
    }

    [Fact]
    public void CheckConfigRefusesAnHttpsListenAndNamesTheFix()
    {
        using var dir = new TempDir();
        var f = dir.Write("tls.yaml", "web:\n  listen: https://0.0.0.0:8443\n");
        var (code, stdout, stderr) = CheckConfig(f);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", stdout);
        Assert.Contains($"{f}:2:", stderr);
        Assert.Contains("web.listen", stderr);
        Assert.Contains("use http:// here (e.g. http://0.0.0.0:8080) and put a reverse proxy such as Caddy or nginx in front of it for TLS", stderr);
    }

    [Fact]
    public void CheckConfigOfAMissingFileIsExitCode2()
    {
        var (code, _, stderr) = CheckConfig("/nonexistent/gw.yaml");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("file not found", stderr);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("run", "--no-such-option")]
    [InlineData("check-config", "a", "b")]
    [InlineData()]
    public async Task BadArgumentsAreExitCode2(params string[] args)
    {
        var err = Console.Error;
        var capture = new StringWriter();
        Console.SetError(capture);
        try
        {
            Assert.Equal(ExitCodes.BadInput, await Program.Main(args));
        }
        finally
        {
            Console.SetError(err);
        }
        Assert.Contains("gateway --help", capture.ToString());
    }

    [Fact]
    public void HelpListsTheVerbs()
    {
        var root = Program.BuildCommandLine();
        var names = root.Subcommands.Select(c => c.Name).ToArray();
        Assert.Contains("run", names);
        Assert.Contains("check-config", names);
        var run = root.Subcommands.Single(c => c.Name == "run");
        Assert.Contains(run.Options, o => o.Name == "--config");
        Assert.Contains(run.Options, o => o.Name == "--simulate");
    }

    private static (int Code, string Stdout, string Stderr) CheckConfig(string file)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = CheckConfigCommand.Run(file, [], o, e);
        return (code, o.ToString(), e.ToString());
    }
}
