using Gateway.Configuration;
using Gateway.Tests.Support;

namespace Gateway.Tests.Configuration;

public class ConfigLoaderTests
{
    private static readonly Dictionary<string, string> NoEnv = new();

    private static ConfigLoadResult Load(string yaml, Dictionary<string, string>? env = null, params string[] overrides) =>
        ConfigLoader.LoadText(yaml, "test.yaml", env ?? NoEnv, overrides);

    private static ConfigError Single(ConfigLoadResult r)
    {
        Assert.Null(r.Config);
        return Assert.Single(r.Errors);
    }

    [Fact]
    public void ExampleFileIsValidAndDocumentsDefaults()
    {
        var r = ConfigLoader.Load(RepoPaths.File("config.yaml.example"), NoEnv, []);
        Assert.True(r.Ok, string.Join("\n", r.Problems));
        Assert.Empty(r.Errors);
        var c = r.Config!;
        Assert.Equal(["ups", "grid", "pv"], c.Devices.Select(d => d.Id));
        var ups = Assert.IsType<MustDeviceOptions>(c.Devices[0]);
        Assert.Equal(10, ups.Slave);
        Assert.Equal(TimeSpan.FromSeconds(1), ups.PollInterval);
        var grid = Assert.IsType<Em340DeviceOptions>(c.Devices[1]);
        Assert.Equal(TimeSpan.FromMilliseconds(40), grid.InterRequestDelay);
        Assert.Equal(TimeSpan.FromSeconds(2), grid.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), grid.EnergyInterval);
        Assert.Equal("ups", c.ProtectedUps?.Id);
    }

    [Fact]
    public void ExampleShowsTheSameDefaultsAsAnEmptyFile()
    {
        var example = ConfigLoader.Load(RepoPaths.File("config.yaml.example"), NoEnv, []).Config!;
        var empty = Load("").Config!;
        Assert.Equal(empty.Mqtt with { ClientId = "", BaseTopic = "" }, example.Mqtt with { ClientId = "", BaseTopic = "" });
        Assert.Equal(empty.Web.Alarms, example.Web.Alarms);
        Assert.Equal(empty.History, example.History);
        Assert.Equal(empty.Policy, example.Policy);
        Assert.Equal(empty.Logging, example.Logging);
        Assert.Equal(empty.NutServer.Listen, example.NutServer.Listen);
        Assert.Equal(empty.Shutdown.Local, example.Shutdown.Local);
        Assert.Equal(empty.Shutdown.NutFsd, example.Shutdown.NutFsd);
    }

    [Fact]
    public void EmptyFileGivesDefaults()
    {
        var r = Load("");
        Assert.True(r.Ok);
        var c = r.Config!;
        Assert.Empty(c.Devices);
        Assert.Equal("gateway", c.Gateway.Name);
        Assert.False(c.Mqtt.Enabled);
        Assert.Equal("gateway/gateway", c.Mqtt.BaseTopic);
        Assert.Equal("http://0.0.0.0:8080", c.Web.Listen);
        Assert.Equal(["127.0.0.1:3493"], c.NutServer.Listen);
        Assert.Equal(TimeSpan.FromMinutes(10), c.Policy.CriticalRuntime);
        Assert.Equal(TimeSpan.FromMinutes(15), c.Policy.MaxTimeOnBattery);
        Assert.Null(c.ProtectedUps);
    }

    [Fact]
    public void TypoWrongTypeAndDuplicateIdAreThreeErrorsEachWithItsLine()
    {
        const string yaml = """
            gateway:
              name: lab
            devices:
              - id: ups
                type: must
                port: /dev/ttyUSB0
                poll_intervall: 2s
              - id: ups
                type: em340
                port: /dev/ttyUSB1
            mqtt:
              port: abc
            """;
        var r = Load(yaml);
        Assert.Null(r.Config);
        var errors = r.Errors.ToArray();
        Assert.Equal(3, errors.Length);
        Assert.Contains(errors, e => e.Line == 7 && e.Key == "devices[0].poll_intervall" && e.Message.Contains("unknown key") && e.Message.Contains("poll_interval"));
        Assert.Contains(errors, e => e.Line == 8 && e.Key == "devices[1].id" && e.Message.Contains("duplicate device id 'ups'") && e.Message.Contains("line 4"));
        Assert.Contains(errors, e => e.Line == 12 && e.Key == "mqtt.port" && e.Message.Contains("whole number") && e.Message.Contains("abc"));
        Assert.All(errors, e => Assert.StartsWith("test.yaml:", e.ToString()));
    }

    [Theory]
    [InlineData("mqtt:\n  port: 70000\n", 2, "mqtt.port", "between 1 and 65535")]
    [InlineData("mqtt:\n  tls: maybe\n", 2, "mqtt.tls", "true or false")]
    [InlineData("policy:\n  critical_runtime: soon\n", 2, "policy.critical_runtime", "duration")]
    [InlineData("policy:\n  low_battery_percent: 120\n", 2, "policy.low_battery_percent", "between 0 and 100")]
    [InlineData("policy:\n  critical_depletion_rate: fast\n", 2, "policy.critical_depletion_rate", "expected a number")]
    [InlineData("logging:\n  level: loud\n", 2, "logging.level", "expected one of")]
    [InlineData("mqtt: yes\n", 1, "mqtt", "section")]
    [InlineData("devices:\n  id: ups\n", 2, "devices", "list")]
    [InlineData("mqtt:\n  host: [a, b]\n", 2, "mqtt.host", "single value")]
    [InlineData("nut_server:\n  listen: [localhost3493]\n", 2, "nut_server.listen", "address:port")]
    [InlineData("web:\n  listen: not a url\n", 2, "web.listen", "URL")]
    [InlineData("web:\n  listen: https://0.0.0.0:8443\n", 2, "web.listen", "reverse proxy such as Caddy or nginx")]
    [InlineData("gateway:\n  name: My Gateway\n", 2, "gateway.name", "lower-case")]
    [InlineData("bogus: 1\n", 1, "bogus", "unknown key")]
    [InlineData("policy:\n  on_battery_delay: 2h\n", 2, "policy.on_battery_delay", "between 0 and 1h")]
    [InlineData("gpio:\n  buzzer_quiet_hours: nights\n", 2, "gpio.buzzer_quiet_hours", "HH:MM-HH:MM")]
    [InlineData("notifications:\n  webhook: { url: ftp://x }\n", 2, "notifications.webhook.url", "http(s) URL")]
    public void EachBadValueIsReportedWithLineKeyAndReason(string yaml, int line, string key, string reason)
    {
        var e = Single(Load(yaml));
        Assert.Equal(line, e.Line);
        Assert.Equal(key, e.Key);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void DeviceProblems()
    {
        const string yaml = """
            devices:
              - type: must
                port: /dev/x
              - id: meter
                port: /dev/y
              - id: Bad Id
                type: em340
                port: /dev/z
              - id: nut1
                type: nut
                username: u
              - id: m2
                type: modbsu
            """;
        var r = Load(yaml);
        var errors = r.Errors.ToArray();
        Assert.Contains(errors, e => e.Key == "devices[0].id" && e.Message == "is required");
        Assert.Contains(errors, e => e.Key == "devices[1].type" && e.Message.Contains("is required"));
        Assert.Contains(errors, e => e.Key == "devices[2].id" && e.Message.Contains("lower-case"));
        Assert.Contains(errors, e => e.Key == "devices[3].ups" && e.Message == "is required");
        Assert.Contains(errors, e => e.Key == "devices[3].username" && e.Message.StartsWith("password is missing") && e.Message.Contains("go together"));
        Assert.Contains(errors, e => e.Key == "devices[4].type" && e.Message.Contains("must, em340, nut, modbus") && e.Message.Contains("did you mean 'modbus'"));
        Assert.Equal(6, errors.Length);
    }

    [Fact]
    public void SerialDeviceNeedsAPortAndASupportedBaud()
    {
        var r = Load("devices:\n  - id: ups\n    type: must\n    baud: 12345\n");
        Assert.Contains(r.Errors, e => e.Key == "devices[0].port" && e.Message == "is required");
        Assert.Contains(r.Errors, e => e.Key == "devices[0].baud" && e.Line == 4 && e.Message.Contains("9600"));
    }

    [Fact]
    public void ReferenceToAnUnknownDeviceIsAnError()
    {
        const string yaml = "devices:\n  - { id: ups, type: must, port: /dev/x }\npolicy:\n  protect: upz\n";
        var e = Single(Load(yaml));
        Assert.Equal("policy.protect", e.Key);
        Assert.Equal(4, e.Line);
        Assert.Contains("unknown device 'upz'", e.Message);
        Assert.Contains("configured: ups", e.Message);
    }

    [Fact]
    public void ProtectingAMeterIsAnError()
    {
        const string yaml = "devices:\n  - { id: grid, type: em340, port: /dev/x }\npolicy:\n  protect: grid\n";
        var e = Single(Load(yaml));
        Assert.Contains("not a UPS", e.Message);
    }

    [Fact]
    public void Em340PollsEvery2sAndReadsItsEnergyCountersEvery10sByDefault()
    {
        var grid = Assert.IsType<Em340DeviceOptions>(Load("devices:\n  - { id: grid, type: em340, port: /dev/x }\n").Config!.Devices[0]);
        Assert.Equal(TimeSpan.FromSeconds(2), grid.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), grid.EnergyInterval);
        var settings = Gateway.DeviceTypes.Em340DeviceType.Settings(grid);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.Energy);

        var fast = Assert.IsType<Em340DeviceOptions>(Load("devices:\n  - { id: grid, type: em340, port: /dev/x, poll_interval: 1s, energy_interval: 0 }\n").Config!.Devices[0]);
        Assert.Equal(TimeSpan.FromSeconds(1), fast.PollInterval);
        Assert.Equal(TimeSpan.Zero, fast.EnergyInterval);

        // A slow poll_interval alone is not an error: the unset energy_interval follows it.
        var slow = Assert.IsType<Em340DeviceOptions>(Load("devices:\n  - { id: grid, type: em340, port: /dev/x, poll_interval: 30s }\n").Config!.Devices[0]);
        Assert.Equal(TimeSpan.FromSeconds(30), slow.EnergyInterval);
    }

    [Fact]
    public void Em340EnergyIntervalBelowThePollIntervalIsAnError()
    {
        var e = Single(Load("devices:\n  - { id: grid, type: em340, port: /dev/x, poll_interval: 5s, energy_interval: 2s }\n"));
        Assert.Equal("devices[0].energy_interval", e.Key);
        Assert.Equal(2, e.Line);
        Assert.Equal("must be at least poll_interval (5s), or 0 to read the energy counters every poll, got 2s; raise it or lower poll_interval", e.Message);
    }

    [Fact]
    public void MustMainsPollIntervalBindsAndReachesTheDriver()
    {
        var byDefault = Assert.IsType<MustDeviceOptions>(Load("devices:\n  - { id: ups, type: must, port: /dev/x }\n").Config!.Devices[0]);
        Assert.Equal(TimeSpan.FromSeconds(2), byDefault.MainsPollInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), Gateway.DeviceTypes.MustDeviceType.Settings(byDefault).MainsPoll);

        var set = Assert.IsType<MustDeviceOptions>(Load("devices:\n  - { id: ups, type: must, port: /dev/x, mains_poll_interval: 5s }\n").Config!.Devices[0]);
        Assert.Equal(TimeSpan.FromSeconds(5), Gateway.DeviceTypes.MustDeviceType.Settings(set).MainsPoll);

        // 0, or not longer than poll_interval: off (the full poll keeps poll_interval on mains too).
        foreach (var off in new[] { "mains_poll_interval: 0", "mains_poll_interval: 1s", "poll_interval: 3s, mains_poll_interval: 2s" })
        {
            var o = Assert.IsType<MustDeviceOptions>(Load($"devices:\n  - {{ id: ups, type: must, port: /dev/x, {off} }}\n").Config!.Devices[0]);
            Assert.Null(Gateway.DeviceTypes.MustDeviceType.Settings(o).MainsPoll);
        }
        // Without status reads nothing would see a cut between slow full polls: off too.
        var noStatus = Assert.IsType<MustDeviceOptions>(Load("devices:\n  - { id: ups, type: must, port: /dev/x, status_interval: 0 }\n").Config!.Devices[0]);
        Assert.Null(Gateway.DeviceTypes.MustDeviceType.Settings(noStatus).MainsPoll);
    }

    [Fact]
    public void MustMainsPollIntervalOutOfRangeIsAClearError()
    {
        var e = Single(Load("devices:\n  - { id: ups, type: must, port: /dev/x, mains_poll_interval: 30s }\n"));
        Assert.Equal("devices[0].mains_poll_interval", e.Key);
        Assert.Equal("must be at most 10s (a reading taken on mains must stay younger than the NUT server's max_age), got 30s; " +
            "use 0 to keep the full poll at poll_interval on mains too", e.Message);

        e = Single(Load("devices:\n  - { id: ups, type: must, port: /dev/x, mains_poll_interval: often }\n"));
        Assert.Equal("devices[0].mains_poll_interval", e.Key);
        Assert.Contains("expected a duration", e.Message);
    }

    [Fact]
    public void DuplicateNutNamesAreAnError()
    {
        const string yaml = """
            devices:
              - { id: a, type: must, port: /dev/x, nut_name: ups }
              - { id: b, type: nut, ups: x, nut_name: UPS }
            """;
        var e = Single(Load(yaml));
        Assert.Equal("devices[1].nut_name", e.Key);
        Assert.Contains("already used by device 'a'", e.Message);
    }

    [Fact]
    public void InvalidYamlIsOneErrorWithPosition()
    {
        var e = Single(Load("mqtt:\n  host: [unclosed\n"));
        Assert.True(e.Line >= 2);
        Assert.Contains("not valid YAML", e.Message);
    }

    [Fact]
    public void DuplicateYamlKeyIsReported()
    {
        var e = Single(Load("mqtt:\n  port: 1\n  port: 2\n"));
        Assert.Contains("not valid YAML", e.Message);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void TopLevelMustBeSections()
    {
        var e = Single(Load("- a\n- b\n"));
        Assert.Contains("top level", e.Message);
    }

    [Fact]
    public void EnvironmentOverridesFileAndCommandLineOverridesEnvironment()
    {
        const string yaml = "mqtt:\n  host: from-file\n  port: 1111\n  username: file-user\n";
        var env = new Dictionary<string, string> { ["GATEWAY_MQTT__HOST"] = "from-env", ["GATEWAY_MQTT__PORT"] = "2222" };
        var c = Load(yaml, env, "mqtt.port=3333").Config!;
        Assert.Equal("from-env", c.Mqtt.Host);     // env > file
        Assert.Equal(3333, c.Mqtt.Port);           // command line > env
        Assert.Equal("file-user", c.Mqtt.Username); // file > default
        Assert.Equal("homeassistant", c.Mqtt.DiscoveryPrefix); // default
        Assert.True(c.Mqtt.Enabled);
    }

    [Fact]
    public void OverridesCreateMissingSectionsAndReachListItems()
    {
        const string yaml = "devices:\n  - { id: ups, type: must, port: /dev/x }\n";
        var env = new Dictionary<string, string> { ["GATEWAY_DEVICES__0__PORT"] = "/dev/y", ["GATEWAY_WEB__ALARMS__LOAD_HIGH"] = "90" };
        var c = Load(yaml, env, "gateway.name=lab").Config!;
        Assert.Equal("/dev/y", ((MustDeviceOptions)c.Devices[0]).Serial.Port);
        Assert.Equal(90, c.Web.Alarms.LoadHigh);
        Assert.Equal("lab", c.Gateway.Name);
        Assert.Equal("gateway/lab", c.Mqtt.BaseTopic);
    }

    [Fact]
    public void BadOverridesNameTheirOrigin()
    {
        var env = new Dictionary<string, string> { ["GATEWAY_MQTT__PORT"] = "x", ["GATEWAY_MQTT__HOTS"] = "h", ["UNRELATED"] = "1", ["GATEWAY_CONFIG"] = "ignored-here" };
        var r = Load("", env, "web.listen=nope", "novalue");
        var errors = r.Errors.Select(e => e.ToString()).ToArray();
        Assert.Contains(errors, e => e.StartsWith("environment variable GATEWAY_MQTT__PORT: error: mqtt.port: expected a whole number"));
        Assert.Contains(errors, e => e.StartsWith("environment variable GATEWAY_MQTT__HOTS: error: mqtt.hots: unknown key (did you mean 'host'?)"));
        Assert.Contains(errors, e => e.StartsWith("--set web.listen: error: web.listen: expected a URL"));
        Assert.Contains(errors, e => e.StartsWith("--set novalue: error: expected key=value"));
        Assert.Equal(4, errors.Length);
    }

    [Fact]
    public void OverrideIntoAScalarIsAnError()
    {
        var r = Load("mqtt:\n  host: h\n", NoEnv, "mqtt.host.x=1");
        Assert.Contains(r.Errors, e => e.Source == "--set mqtt.host.x" && e.Message.Contains("not a section"));
    }

    [Fact]
    public void SearchOrderIsEnvThenWorkingDirThenUserThenEtc()
    {
        var env = new Dictionary<string, string> { ["GATEWAY_CONFIG"] = "/x/custom.yaml", ["HOME"] = "/home/pi" };
        Assert.Equal(["/x/custom.yaml", "config.yaml", "config.yml", "/home/pi/.config/gateway/config.yaml", "/etc/gateway/config.yaml"], ConfigLoader.SearchPath(env));
    }

    [Fact]
    public void ExplicitFileBeatsGatewayConfigVariable()
    {
        using var dir = new TempDir();
        var explicitFile = dir.Write("a.yaml", "gateway: { name: explicit }\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var envFile = dir.Write("b.yaml", "gateway: { name: fromenv }\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var env = new Dictionary<string, string> { ["GATEWAY_CONFIG"] = envFile, ["HOME"] = dir.Path };
        Assert.Equal("explicit", ConfigLoader.Load(explicitFile, env, []).Config!.Gateway.Name);
        Assert.Equal("fromenv", ConfigLoader.Load(null, env, []).Config!.Gateway.Name);
    }

    [Fact]
    public void MissingFilesAreClearErrors()
    {
        using var dir = new TempDir();
        var r = ConfigLoader.Load(dir.File("nope.yaml"), NoEnv, []);
        Assert.Contains("file not found", Single(r).Message);
        r = ConfigLoader.Load(dir.Path, NoEnv, []);
        Assert.Contains("is a directory", Single(r).Message);
        var env = new Dictionary<string, string> { ["GATEWAY_CONFIG"] = dir.File("gone.yaml"), ["HOME"] = dir.Path };
        r = ConfigLoader.Load(null, env, []);
        Assert.Contains("GATEWAY_CONFIG", Single(r).Message);
    }

    [Fact]
    [Trait(Lane.Trait, Lane.FullOnly)]   // as root it runs the real binary as an ordinary user
    public async Task UnreadableFileIsAClearError()
    {
        using var dir = new TempDir();
        var f = dir.Write("c.yaml", "", UnixFileMode.None);
        if (!UnprivilegedUser.IsRoot)
        {
            Assert.Contains("cannot be read", Single(ConfigLoader.Load(f, NoEnv, [])).Message);
            return;
        }
        // Root reads every file, so the check runs where it can fail: the real gateway as an ordinary user.
        File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        await using var gw = GatewayProcess.Start(["check-config", f], runAs: UnprivilegedUser.Get());
        Assert.True(await gw.WaitForExitAsync(TimeSpan.FromSeconds(60)), gw.Output);
        Assert.Equal(2, gw.ExitCode);
        Assert.Contains($"{f}: error: cannot be read by user {UnprivilegedUser.Get().Name}", gw.Output);
        // The fix that matches the packaging (root:gateway 0640), not a chmod 600 that locks the service out again.
        Assert.Contains($"chown root:gateway {f} && chmod 640 {f}", gw.Output);
    }

    // The search also looks in the working directory and /etc/gateway, which a test cannot redirect.
    [FactWhenAbsent("config.yaml", "config.yml", "/etc/gateway/config.yaml")]
    public void NoFileFoundMeansDefaults()
    {
        using var dir = new TempDir();
        var env = new Dictionary<string, string> { ["HOME"] = dir.Path };
        var r = ConfigLoader.Load(null, env, []);
        Assert.True(r.Ok);
        Assert.Null(r.SourcePath);
        Assert.Equal(4, r.Searched.Count);
    }

    [Fact]
    public void SecretInAFileReadableByOthersIsAWarningNamingTheFix()
    {
        using var dir = new TempDir();
        var f = dir.Write("c.yaml", "mqtt:\n  host: h\n  password: hunter2\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var r = ConfigLoader.Load(f, NoEnv, []);
        Assert.True(r.Ok);
        var w = Assert.Single(r.Warnings);
        Assert.Equal(3, w.Line);
        Assert.Contains($"chmod o-r {f}", w.Message);
        Assert.Contains("other users", w.Message);
        Assert.DoesNotContain("hunter2", w.ToString());

        File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Empty(ConfigLoader.Load(f, NoEnv, []).Warnings);
    }

    [Fact]
    public void FileWithoutSecretsMayBeWorldReadable()
    {
        using var dir = new TempDir();
        var f = dir.Write("c.yaml", "mqtt:\n  host: h\n  password: \n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Empty(ConfigLoader.Load(f, NoEnv, []).Warnings);
    }

    [Fact]
    public void ShortApiTokenIsAWarningNotAnError()
    {
        var r = Load("web:\n  api_token: abc\n");
        Assert.True(r.Ok);
        Assert.Contains(r.Warnings, w => w.Key == "web.api_token" && w.Message.Contains("16"));
    }

    [Fact]
    public void SshPasswordsAreRefused()
    {
        const string yaml = """
            shutdown:
              remote_hosts:
                - { name: nas, host: 127.0.0.1, user: u, key_file: /k, command: poweroff, password: x }
            """;
        var e = Single(Load(yaml));
        Assert.Contains("passwords are not supported", e.Message);
    }

    [Fact]
    public void NullValuesMeanDefaults()
    {
        var c = Load("mqtt:\n  port: ~\n  host:\nweb:\n").Config!;
        Assert.Equal(1883, c.Mqtt.Port);
        Assert.Null(c.Mqtt.Host);
    }

    [Fact]
    public void ProblemsAreOrderedByLine()
    {
        var r = Load("mqtt:\n  port: x\nweb:\n  enabled: maybe\ngateway:\n  name: A\n");
        Assert.Equal([2, 4, 6], r.Errors.Select(e => e.Line));
    }

    [Fact]
    public void TooDeepOrTooLargeFilesAreRefusedWithAReason()
    {
        var deep = string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100));
        Assert.Contains("nested more than", Single(Load("devices: " + deep)).Message);
        Assert.Contains("larger than", Single(Load(new string('#', ConfigLoader.MaxFileLength + 1))).Message);
    }

    [Fact]
    public void SelfReferencingAliasesDoNotLoop()
    {
        using var dir = new TempDir();
        var f = dir.Write("c.yaml", "mqtt: &m\n  host: h\n  loop: *m\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var r = ConfigLoader.Load(f, NoEnv, []);
        Assert.Contains(r.Errors, e => e.Key == "mqtt.loop" && e.Message.StartsWith("unknown key"));
    }
}
