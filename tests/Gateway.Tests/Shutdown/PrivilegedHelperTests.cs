using Gateway.Tests.Support;
using System.Diagnostics;
using Gateway.Configuration;
using Gateway.Shutdown;
using Gateway.Shutdown.Shedding;
using Gateway.Shutdown.Steps;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Shutdown;

public class PrivilegedHelperTests
{
    [Theory]
    [InlineData("/mnt/nas")]
    [InlineData("/mnt/my nas/")]
    [InlineData("//srv//data-1")]
    [InlineData("/media/.hidden")]
    [InlineData("/mnt/ümlaut")]
    [InlineData("/")]
    public void PathsAreEscapedExactlyAsSystemdEscapeDoes(string path)
    {
        var psi = new ProcessStartInfo("systemd-escape") { RedirectStandardOutput = true };
        psi.ArgumentList.Add("--path");
        psi.ArgumentList.Add(path);
        using var p = Process.Start(psi)!;
        var expected = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.Equal(expected, PrivilegedHelper.EscapePath(path));
    }

    [Theory]
    [InlineData("direct", false)]
    [InlineData("helper", true)]
    public void ExplicitSettingsWin(string setting, bool expected) => Assert.Equal(expected, PrivilegedHelper.Use(setting));

    [Fact]
    public async Task ThroughTheHelperEachStepStartsOneRootUnit()
    {
        var time = new FakeTimeProvider();
        var exec = new FakeCommandExecutor(time);
        var ctx = new ShutdownStepContext(false, exec, time, NullLogger.Instance, "test");
        using var dir = new Support.TempDir();
        var mounts = dir.Write("mounts", "nas:/x /mnt/my\\040nas nfs rw 0 0\n");

        Assert.Equal("ok", (await new VmShutdownStep(new VmStepOptions(true, TimeSpan.FromSeconds(30)), viaHelper: true).RunAsync(ctx, default)).Outcome);
        Assert.Equal("ok", (await new ContainerStopStep(new ContainerStepOptions(true, TimeSpan.FromSeconds(30), ["db", "web"]), viaHelper: true).RunAsync(ctx, default)).Outcome);
        Assert.Equal("ok", (await new UnmountStep(new UnmountOptions("/mnt/my nas", "-l", TimeSpan.FromSeconds(15)), mounts, viaHelper: true).RunAsync(ctx, default)).Outcome);

        // Every option travels in the request: the VM wait and force-off, the container timeout, the lazy unmount.
        Assert.Equal(
        [
            @"systemctl start 'gateway-shutdown@vms\x20wait\x3d30\x20force\x2doff.service'",
            @"systemctl start 'gateway-shutdown@containers\x20timeout\x3d30\x20db.service'",
            @"systemctl start 'gateway-shutdown@containers\x20timeout\x3d30\x20web.service'",
            @"systemctl start 'gateway-shutdown@unmount\x20lazy\x20-mnt-my\x20nas.service'",
        ], exec.Commands);
    }

    [Fact]
    public async Task ShedVmsGoThroughTheHelperOneNamedRequestEachWithTheVmOptions()
    {
        var time = new FakeTimeProvider();
        var exec = new FakeCommandExecutor(time);
        var vms = new VmStepOptions(true, TimeSpan.FromSeconds(20), "test+unix:///default", ForceOff: true);
        var r = await new ShedVmStep(["test-vm", "game"], vms, viaHelper: true).RunAsync(new ShutdownStepContext(false, exec, time, NullLogger.Instance, "test"), default);
        Assert.Equal("ok", r.Outcome);
        Assert.Equal(
        [
            @"systemctl start 'gateway-shutdown@vms\x20uri\x3dtest\x2bunix:---default\x20wait\x3d20\x20force\x2doff\x20test\x2dvm.service'",
            @"systemctl start 'gateway-shutdown@vms\x20uri\x3dtest\x2bunix:---default\x20wait\x3d20\x20force\x2doff\x20game.service'",
        ], exec.Commands);

        // The rehearsal asks the helper's check for each, and directly the same VMs are shut down on the same URI.
        var dry = new FakeCommandExecutor(time);
        Assert.Equal("dry_run", (await new ShedVmStep(["game"], vms, viaHelper: true).RunAsync(new ShutdownStepContext(true, dry, time, NullLogger.Instance, "test"), default)).Outcome);
        Assert.Equal([@"systemctl start 'gateway-shutdown@vms\x20check\x20uri\x3dtest\x2bunix:---default\x20wait\x3d20\x20force\x2doff\x20game.service'"], dry.Commands);
        var direct = new FakeCommandExecutor(time).Succeed("virsh -c test+unix:///default list", "");
        Assert.Equal("ok", (await new ShedVmStep(["game"], vms, viaHelper: false).RunAsync(new ShutdownStepContext(false, direct, time, NullLogger.Instance, "test"), default)).Outcome);
        Assert.Equal(["virsh -c test+unix:///default shutdown game", "virsh -c test+unix:///default list --name --state-running"], direct.Commands);
    }

    [Fact]
    public async Task AFailingHelperActionIsReportedAndTheOthersStillRun()
    {
        var time = new FakeTimeProvider();
        var exec = new FakeCommandExecutor(time).Fail(@"systemctl start 'gateway-shutdown@containers\x20timeout\x3d30\x20db", 1, "Job failed")
            .Succeed("systemctl show", "Result=exit-code\nExecMainStatus=1\n");
        var ctx = new ShutdownStepContext(false, exec, time, NullLogger.Instance, "test");
        var r = await new ContainerStopStep(new ContainerStepOptions(true, TimeSpan.FromSeconds(30), ["db", "web"]), viaHelper: true).RunAsync(ctx, default);
        Assert.Equal("failed", r.Outcome);
        Assert.Contains("containers timeout=30 db' failed as root (exit 1", r.Detail);
        Assert.Equal(3, exec.Commands.Count);
    }

    [Fact]
    public async Task TheDryRunRunsTheHelpersCheckVerb()
    {
        var time = new FakeTimeProvider();
        var exec = new FakeCommandExecutor(time);
        var ctx = new ShutdownStepContext(true, exec, time, NullLogger.Instance, "test");
        var r = await new VmShutdownStep(new VmStepOptions(true, TimeSpan.FromSeconds(30)), viaHelper: true).RunAsync(ctx, default);
        Assert.Equal("dry_run", r.Outcome);
        Assert.StartsWith(@"[DRY-RUN] systemctl start 'gateway-shutdown@vms\x20check\x20wait\x3d30\x20force\x2doff.service' (the helper's check passed", r.Detail);
        Assert.Equal([@"systemctl start 'gateway-shutdown@vms\x20check\x20wait\x3d30\x20force\x2doff.service'"], exec.Commands);
    }

    [Fact]
    public void TheSettingIsAConfigKey()
    {
        var c = TestConfig.Load("shutdown: { privileges: helper }\n");
        Assert.Equal("helper", c.Shutdown.Privileges);
        var bad = ConfigLoader.LoadText("shutdown: { privileges: sudo }\n", "t.yaml", new Dictionary<string, string>(), []);
        Assert.Contains(bad.Errors, e => e.Key == "shutdown.privileges");
    }
}
