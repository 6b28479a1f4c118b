using Gateway.Commands;

namespace Gateway.Tests.Commands;

public class CliParserTests
{
    private static CliParseResult Parse(params string[] args) => CliParser.Parse(Program.BuildCommandLine(), args);

    [Fact]
    public void OptionsAliasesAndRepeatedSetAreRead()
    {
        var r = Parse("run", "-c", "/tmp/gw.yaml", "--simulate", "--set", "mqtt.host=a", "--set=web.enabled=false");
        Assert.Empty(r.Errors);
        Assert.Equal("run", r.Command.Name);
        var run = r.Command;
        Assert.Equal("/tmp/gw.yaml", r.Value(run.FindOption("--config")!));
        Assert.True(r.Flag(run.FindOption("--simulate")!));
        Assert.Equal(["mqtt.host=a", "web.enabled=false"], r.Values(run.FindOption("--set")!));
    }

    [Fact]
    public void SubVerbsArgumentsAndIntegerDefaults()
    {
        var r = Parse("simulate", "em340", "--slave", "7", "-p", "/dev/pts/3");
        Assert.Empty(r.Errors);
        Assert.Equal("gateway simulate em340", r.CommandName);
        Assert.Equal(7, r.Int(r.Command.FindOption("--address")!, 1));
        Assert.Equal(9600, r.Int(r.Command.FindOption("--baud")!, 9600));
        Assert.Null(r.Int(r.Command.FindOption("--seed")!));

        var t = Parse("nut", "test", "nas.local:3493", "ups", "-u", "mon");
        Assert.Empty(t.Errors);
        Assert.Equal(["nas.local:3493", "ups"], t.Arguments);
    }

    [Theory]
    [InlineData(new[] { "run", "--no-such-option" }, "'--no-such-option' is not an option of 'gateway run'; its options are: --config, --simulate, --set, --help")]
    [InlineData(new[] { "run", "--config" }, "--config needs a value: --config FILE")]
    [InlineData(new[] { "run", "--config", "--simulate" }, "--config needs a value: --config FILE")]
    [InlineData(new[] { "simulate", "must", "--baud", "fast" }, "--baud expects a whole number, got 'fast'")]
    [InlineData(new[] { "bogus" }, "'bogus' is not a command of 'gateway'; the commands are: run, check-config, simulate, nut, shutdown, import")]
    [InlineData(new string[0], "'gateway' needs a command: one of run, check-config, simulate, nut, shutdown, import")]
    [InlineData(new[] { "nut" }, "'gateway nut' needs a command: one of check, test")]
    [InlineData(new[] { "nut", "test" }, "'gateway nut test' needs HOST[:PORT]: the NUT server, e.g. 192.168.1.10 or nas.local:3493")]
    [InlineData(new[] { "check-config", "a", "b" }, "'gateway check-config' takes at most 1 argument (FILE), but got another: 'b'")]
    [InlineData(new[] { "run", "-c", "a", "-c", "b" }, "--config was given more than once; give it once")]
    [InlineData(new[] { "run", "--simulate=yes" }, "--simulate is a switch and takes no value (or =true/=false), got 'yes'")]
    public void EachMistakeIsOneSentenceThatSaysWhatToType(string[] args, string error) =>
        Assert.Equal(error, Assert.Single(Parse(args).Errors));

    [Fact]
    public void HelpAnywhereShowsTheVerbsOptionsWithAliasesAndValueNames()
    {
        var r = Parse("simulate", "must", "--port", "x", "-h");
        Assert.True(r.HelpRequested);
        var text = new StringWriter();
        CliHelp.Write(r, text);
        var help = text.ToString();
        Assert.Contains("Usage:\n  gateway simulate must [options]", help.Replace("\r", ""));
        Assert.Contains("-p, --port <PATH>", help);
        Assert.Contains("--address, --slave <ADDRESS>", help);
        Assert.Contains("Modbus slave address (default 10)", help);
        Assert.Contains("-?, -h, --help", help);

        var root = new StringWriter();
        CliHelp.Write(Parse("--help"), root);
        Assert.Contains("--version", root.ToString());
        Assert.Contains("check-config [<FILE>]", root.ToString());

        var run = new StringWriter();
        CliHelp.Write(Parse("run", "--help"), run);
        Assert.Contains("--simulate", run.ToString());
        Assert.Contains("-c, --config <FILE>", run.ToString());
        Assert.Contains("--set <KEY=VALUE>", run.ToString());
    }

    [Fact]
    public void VersionStandsAlone()
    {
        Assert.True(Parse("--version").VersionRequested);
        Assert.Equal("--version stands alone: gateway --version", Assert.Single(Parse("--version", "run").Errors));
        Assert.Single(Parse("run", "--version").Errors);
    }

    [Fact]
    public void DoubleDashEndsTheOptions()
    {
        var r = Parse("check-config", "--", "-odd-name.yaml");
        Assert.Empty(r.Errors);
        Assert.Equal("-odd-name.yaml", r.Argument(0));
    }
}
