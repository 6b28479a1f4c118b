using System.Text.RegularExpressions;
using Gateway.Configuration;
using Gateway.Shutdown;
using Gateway.Tests.Support;

namespace Gateway.Tests.Shutdown;

/// <summary>The readiness summary (rehearsal and start-up) and the one rule for files holding secrets.</summary>
public partial class ShutdownReadinessTests
{
    [Fact]
    public void TheConfigModeThePackageInstallsGetsNoWarningAndTheAdviceNeverLocksTheServiceOut()
    {
        // The mode build-deb.sh gives /etc/gateway/config.yaml, read from the script itself.
        var script = File.ReadAllText(RepoPaths.File("packaging", "build-deb.sh"));
        var mode = Convert.ToInt32(PackagedConfigMode().Match(script).Groups[1].Value, 8);
        Assert.Equal(0b110_100_000, mode);

        using var dir = new TempDir();
        var f = dir.Write("config.yaml", "mqtt:\n  host: h\n  password: hunter2\n", (UnixFileMode)mode);
        Assert.Empty(ConfigLoader.Load(f, new Dictionary<string, string>(), []).Warnings);

        File.SetUnixFileMode(f, (UnixFileMode)0b110_100_100);
        var w = Assert.Single(ConfigLoader.Load(f, new Dictionary<string, string>(), []).Warnings);
        Assert.Contains($"chmod o-r {f}", w.Message);
        Assert.Contains($"chown root:gateway {f} && chmod 640 {f}", w.Message);
        Assert.DoesNotContain("600", w.Message);
    }

    [Fact]
    public void AnSshKeyReadableByOthersIsNotReady()
    {
        using var dir = new TempDir();
        var key = dir.Write("id_ed25519", "key", (UnixFileMode)0b110_100_100);
        var known = dir.Write("known_hosts", "", (UnixFileMode)0b110_100_100);
        var o = new ShutdownOptions { RemoteHosts = [new RemoteHostOptions("nas", "127.0.0.1", 22, "root", key, known, "poweroff", TimeSpan.FromSeconds(5))] };

        var lines = ShutdownReadiness.Check(o, viaHelper: false);
        var problem = Assert.Single(lines, l => !l.Ok);
        // The key is owned by the user the check runs as, so OpenSSH's own rule applies: it refuses the key.
        Assert.Contains($"key_file {key} is owned by user {Environment.UserName}", problem.Text);
        Assert.Contains($"chmod 600 {key}", problem.Text);
        Assert.Contains(lines, l => l.Ok && l.Text.Contains($"known_hosts of remote host 'nas' {known} is readable"));

        File.SetUnixFileMode(key, (UnixFileMode)0b110_100_000);
        Assert.Contains("mode 0640", Assert.Single(ShutdownReadiness.Check(o, viaHelper: false), l => !l.Ok).Text);
        File.SetUnixFileMode(key, (UnixFileMode)0b110_000_000);
        Assert.All(ShutdownReadiness.Check(o, viaHelper: false), l => Assert.True(l.Ok, l.Text));
    }

    [Fact]
    public void ThroughTheHelperItNamesTheHelperPolkitAndTheTools()
    {
        using var dir = new TempDir();
        var action = dir.Write("gateway-shutdown-action", "#!/bin/sh\n");
        var daemon = dir.Write("polkitd", "");
        var rule = dir.Write("rules.d/50-gateway-shutdown.rules", "");
        var o = new ShutdownOptions
        {
            Vms = new VmStepOptions(true, TimeSpan.FromSeconds(30)),
            Unmounts = [new UnmountOptions("/mnt/nas", "-l", TimeSpan.FromSeconds(5))],
        };

        var ready = ShutdownReadiness.Check(o, viaHelper: true, action, rule, [daemon], user: "gateway");
        Assert.Contains(ready, l => l.Ok && l.Text.StartsWith($"privileged steps (VMs, containers, unmounts) run as root through gateway-shutdown@.service ({action}), started by user gateway"));
        Assert.Contains(ready, l => l.Ok && l.Text.StartsWith($"polkit: {daemon} and {rule}"));
        Assert.Contains(ready, l => l.Text.StartsWith("vms: virsh "));

        File.Delete(daemon);
        File.Delete(action);
        var missing = ShutdownReadiness.Check(o, viaHelper: true, action, rule, [daemon], user: "gateway");
        Assert.Contains(missing, l => !l.Ok && l.Text.Contains("polkit is not installed") && l.Text.Contains("apt install polkitd"));
        Assert.Contains(missing, l => !l.Ok && l.Text.Contains($"the root helper {action} is not installed"));
    }

    [Fact]
    public void DirectCommandsAsAnUnprivilegedUserAreNotReady()
    {
        var o = new ShutdownOptions { Privileges = "direct", Unmounts = [new UnmountOptions("/mnt/nas", "", TimeSpan.FromSeconds(5))], Local = new LocalStepOptions(false, "", TimeSpan.Zero) };
        var lines = ShutdownReadiness.Check(o, viaHelper: false, user: "gateway");
        Assert.Contains(lines, l => !l.Ok && l.Text.Contains("as user gateway, who cannot stop VMs or unmount"));
    }

    [Fact]
    public async Task TheTlsKeyGetsTheSameCheckAsTheSshKeysAtStart()
    {
        using var dir = new TempDir();
        var cert = dir.Write("nut.pem", "cert", (UnixFileMode)0b110_100_100);
        var key = dir.Write("nut.key", "key", (UnixFileMode)0b110_100_100);
        async Task<IReadOnlyList<string>> WarningsAsync(string keyPath)
        {
            var config = TestConfig.Load($"nut_server: {{ enabled: true, listen: ['127.0.0.1:3493'], cert_file: '{cert}', key_file: '{keyPath}' }}\n");
            var warnings = new Gateway.Hosting.StartupWarnings();
            await new Gateway.Hosting.ReadinessAnnouncer(config, warnings, Microsoft.Extensions.Logging.Abstractions.NullLogger<Gateway.Hosting.ReadinessAnnouncer>.Instance).StartAsync(default);
            return warnings.Items;
        }

        // Readable by others: the packaging's rule, never chmod 600 (a root-owned 0600 key locks the service out).
        var w = Assert.Single(await WarningsAsync(key));
        Assert.Contains($"{key} (TLS key of the NUT server) is readable by other users; fix: chmod o-r {key}", w);
        Assert.Contains($"chown root:gateway {key} && chmod 640 {key}", w);

        File.SetUnixFileMode(key, (UnixFileMode)0b110_100_000);
        Assert.Empty(await WarningsAsync(key));

        // Not there (or not readable by the service user): STARTTLS would be off, said at start with the fix.
        var gone = dir.File("missing.key");
        w = Assert.Single(await WarningsAsync(gone));
        Assert.Contains($"{gone} (TLS key of the NUT server) does not exist, so STARTTLS stays off; fix: chown root:gateway {gone} && chmod 640 {gone}", w);
    }

    [GeneratedRegex(@"install -m (0[0-7]{3}) ""\$pkg/usr/share/gateway/config\.yaml\.example"" ""\$pkg/etc/gateway/config\.yaml""")]
    private static partial Regex PackagedConfigMode();
}
