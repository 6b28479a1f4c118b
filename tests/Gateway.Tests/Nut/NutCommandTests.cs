using Gateway.Commands;
using Gateway.Configuration;

namespace Gateway.Tests.Nut;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NutCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-nut-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private void Write(string name, string text, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal));
        File.SetUnixFileMode(path, mode);
    }

    private void WriteGoodFolder()
    {
        Write("nut.conf", "# comment\nMODE=netserver\n");
        Write("ups.conf", "# my UPS\nmaxretry = 3\n\n[eaton]\n  driver = usbhid-ups\n  port = auto\n  desc = \"Rack \\\"UPS\\\"\"\n  vendorid = 0463\n");
        Write("upsd.conf", "LISTEN 127.0.0.1 3493\nLISTEN 192.168.1.2\nMAXAGE 15\n");
        Write("upsd.users", "[admin]\n  password = adminpw\n  actions = SET FSD\n  instcmds = ALL\n\n[monuser]\n  password = secret\n  upsmon primary\n");
        Write("upsmon.conf", "MONITOR eaton@localhost 1 monuser secret primary\nMINSUPPLIES 1\nSHUTDOWNCMD \"/sbin/shutdown -h +0\"\nPOLLFREQ 5\nDEADTIME 15\n");
    }

    [Fact]
    public void A_good_folder_is_clean()
    {
        WriteGoodFolder();
        var output = new StringWriter();
        Assert.Equal(0, NutCommand.Check(_dir, null, output));
        Assert.Contains("no problems found", output.ToString());
    }

    [Fact]
    public void A_broken_folder_reports_every_problem_with_file_and_line()
    {
        Write("nut.conf", "MODE = netserver\n");
        Write("ups.conf", "[default]\n  driver = usbhid-ups\n  port = auto\n[nas]\n  driver = usbhid-ups\n  description = \"NAS UPS\"\n  vendorif = 0463\n");
        Write("upsd.conf", "listen 0.0.0.0 3493\nACL all 0.0.0.0/0\n");
        Write("upsd.users", "[monuser]\n  password = secret\n  upsmon slave\n  colour = blue\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Write("upsmon.conf", "MONITOR nas@localhost 1 monuser wrong primary\nMONITOR nas@localhost monuser secret master\npollfreq 5\nPOLLFREQ 10\nDEADTIME 15\n");
        var output = new StringWriter();
        Assert.Equal(1, NutCommand.Check(_dir, null, output));
        var text = output.ToString();
        string F(string name) => Path.Combine(_dir, name);
        Assert.Contains($"{F("nut.conf")}:1: write MODE=value with no spaces", text);
        Assert.Contains($"{F("ups.conf")}:1: [default] is reserved", text);
        Assert.Contains($"{F("ups.conf")}:4: [nas] has no 'port'", text);
        Assert.Contains($"{F("ups.conf")}:6: 'description' is not a valid key; write 'desc'", text);
        Assert.Contains($"{F("ups.conf")}:7: unknown key 'vendorif' (did you mean 'vendorid'?)", text);
        Assert.Contains($"{F("upsd.conf")}:1: directives are case-sensitive: write 'LISTEN'", text);
        Assert.Contains($"{F("upsd.conf")}:2: ACL is obsolete", text);
        Assert.Contains($"{F("upsd.users")}:4: unknown key 'colour'", text);
        Assert.Contains($"{F("upsd.users")}: is world-readable (0644)", text);
        Assert.Contains($"{F("upsmon.conf")}:1: the password for 'monuser' differs from upsd.users line 1", text);
        Assert.Contains($"{F("upsmon.conf")}:1: MONITOR says primary but upsd.users gives 'monuser' only 'upsmon slave'", text);
        Assert.Contains($"{F("upsmon.conf")}:2: MONITOR has the old 5-word form", text);
        Assert.Contains($"{F("upsmon.conf")}:3: directives are case-sensitive: write 'POLLFREQ'", text);
        Assert.Contains($"{F("upsmon.conf")}:5: DEADTIME 15 is less than 3 × POLLFREQ (10)", text);
    }

    [Fact]
    public void Mode_none_no_listen_and_gateway_mismatches()
    {
        WriteGoodFolder();
        Write("nut.conf", "MODE=none\n");
        Write("upsd.conf", "MAXAGE 15\n");
        var yaml = """
            devices:
              - id: rack
                type: nut
                host: 127.0.0.1
                port: 3494
                ups: nosuch
                username: monuser
                password: nope
            """;
        var cfgPath = Path.Combine(_dir, "gateway.yaml");
        File.WriteAllText(cfgPath, yaml);
        var output = new StringWriter();
        Assert.Equal(1, NutCommand.Check(_dir, cfgPath, output));
        var text = output.ToString();
        Assert.Contains("MODE=none: NUT is disabled", text);
        Assert.Contains("gateway device 'rack' reads UPS 'nosuch', but ups.conf has only: eaton", text);
        Assert.Contains("gateway device 'rack' connects to port 3494, but upsd listens on 3493", text);
        Assert.Contains("gateway device 'rack': the password for 'monuser' differs", text);
    }

    [Fact]
    public void Missing_folder_is_a_problem()
    {
        var output = new StringWriter();
        Assert.Equal(1, NutCommand.Check(Path.Combine(_dir, "nope"), null, output));
        Assert.Contains("folder not found", output.ToString());
    }

    [Theory]
    [InlineData("nas", "nas", 3493)]
    [InlineData("10.0.0.2:3494", "10.0.0.2", 3494)]
    [InlineData("[::1]:3495", "::1", 3495)]
    [InlineData("::1", "::1", 3493)]
    public void Targets_parse(string text, string host, int port)
    {
        Assert.True(NutCommand.TryParseTarget(text, out var h, out var p));
        Assert.Equal((host, port), (h, p));
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    [Trait("Category", "Integration")]
    public async Task Test_explains_each_failure_against_a_real_upsd()
    {
        await using var upsd = await RealUpsd.StartAsync();
        var target = $"127.0.0.1:{upsd.Port}";
        async Task<(int Code, string Text)> Run(string? ups = null, string? user = null, string? password = null, string? t = null)
        {
            var w = new StringWriter();
            var code = await NutCommand.TestAsync(t ?? target, ups, user, password, w, TimeProvider.System, default);
            return (code, w.ToString());
        }

        var ok = await Run(user: "monuser", password: "secret");
        Assert.Equal(0, ok.Code);
        Assert.Contains("UPSes: dummy (Test dummy UPS)", ok.Text);
        Assert.Contains("logged in to dummy as 'monuser'", ok.Text);
        Assert.Contains("ups.status: OL CHRG", ok.Text);

        var unknown = await Run(ups: "nas");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("unknown UPS 'nas': the server has dummy", unknown.Text);

        var denied = await Run(user: "monuser", password: "wrong");
        Assert.Equal(1, denied.Code);
        Assert.Contains("access denied for user 'monuser'", denied.Text);

        var refused = await Run(t: $"127.0.0.1:{NutProcess.FreePort()}");
        Assert.Equal(1, refused.Code);
        Assert.Contains("connection refused", refused.Text);

        await upsd.StopDriverAsync();
        await NutProcess.WaitUntilAsync(async () => (await upsd.UpscAsync("ups.status")).ExitCode != 0, "upsd to notice the driver is gone");
        var stale = await Run();
        Assert.Equal(1, stale.Code);
        Assert.Contains("driver for this UPS is not running", stale.Text);
    }
}
