using System.Diagnostics;
using Gateway.Configuration;
using Gateway.Shutdown;
using Gateway.Shutdown.Steps;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Shutdown;

/// <summary>
/// The requests the gateway builds for the root helper, against the real helper script
/// (systemd/gateway-shutdown-action) and systemd's own escaping: what the gateway says, the helper understands.
/// </summary>
public class HelperRequestTests
{
    private static readonly string Script = RepoPaths.File("systemd", "gateway-shutdown-action");

    public static TheoryData<string> Requests() =>
    [
        PrivilegedHelper.VmRequest(new VmStepOptions(true, TimeSpan.FromSeconds(45), "test+unix:///default", ForceOff: true), check: true),
        PrivilegedHelper.VmRequest(new VmStepOptions(true, TimeSpan.FromMinutes(30), "", ForceOff: false), check: true),
        PrivilegedHelper.ContainerRequest(TimeSpan.FromSeconds(20), "nextcloud", check: true),
        PrivilegedHelper.ContainerRequest(TimeSpan.FromSeconds(20), null, check: true),
        PrivilegedHelper.VmRequest(new VmStepOptions(true, TimeSpan.FromSeconds(20), "test:///default"), check: true, "test"),
        PrivilegedHelper.VmStartRequest("test:///default", "test", check: true),
        PrivilegedHelper.VmStartRequest("", "my-vm.2", check: true),
        PrivilegedHelper.ContainerStartRequest("nextcloud", check: true),
        PrivilegedHelper.UnmountRequest(new UnmountOptions("/srv/not mounted here", "-l -f", TimeSpan.FromSeconds(5)), check: true, out _)!,
    ];

    [Theory]
    [MemberData(nameof(Requests))]
    public void EveryRequestSurvivesSystemdsEscapingAndIsUnderstoodByTheHelper(string request)
    {
        var unit = PrivilegedHelper.Unit(request);
        Assert.Equal($"gateway-shutdown@{Run("systemd-escape", request).Output.Trim()}.service", unit);
        // %I in the unit is systemd's unescape of the instance: the helper gets the request back, word for word.
        var instance = unit["gateway-shutdown@".Length..^".service".Length];
        Assert.Equal(request, Run("systemd-escape", "--unescape", instance).Output.TrimEnd('\n'));

        // The helper parses it (exit 2 would be a refusal of the vocabulary); as a check it changes nothing. Whether
        // virsh/docker exist here or the path is mounted decides between 0, 3 and 4.
        var r = Run("sh", Script, request);
        Assert.True(r.Code is 0 or 1 or 3 or 4, $"the helper refused '{request}' (exit {r.Code}): {r.Output}");
    }

    [Theory]
    [InlineData("vm-start check uri=test:///default test", 0, "VM test is already running")]
    [InlineData("vm-start uri=test:///default test", 0, "VM test is already running")]
    [InlineData("vm-start check uri=test:///default nope", 4, "no VM named nope")]
    [InlineData("vms check uri=test:///default wait=20 force-off test", 0, "would shut down test")]
    [InlineData("vms check uri=test:///default wait=20 nope", 4, "no VM named nope")]
    [InlineData("vm-start uri=test:///default", 2, "needs the name of one VM")]
    [InlineData("vm-start uri=test:///default test other", 2, "bad VM name 'test other'")]
    [InlineData("vm-start uri=test:///default ;reboot", 2, "bad VM name ';reboot'")]
    [InlineData("vm-start uri=test://elsewhere/default test", 2, "is not a local one")]
    [InlineData("vm-start wait=5 test", 2, "bad VM name 'wait=5 test'")]
    [InlineData("container-start", 2, "needs the name of one container")]
    [InlineData("container-start $(id)", 2, "bad container name")]
    [InlineData("container-start timeout=5 web", 2, "bad container name 'timeout=5 web'")]
    public void TheHelperStartsAndStopsOneNamedVmAndRefusesAnythingElse(string request, int code, string words)
    {
        // libvirt's test driver (test:///default: one running domain "test", in the virsh process) answers as root
        // would: the helper's vocabulary, its checks and the exit status the gateway reads back.
        var r = Run("sh", Script, request);
        Assert.True(code == r.Code, $"'{request}': exit {r.Code}, want {code}: {r.Output}");
        Assert.Contains(words, r.Output);
    }

    [Theory]
    [InlineData("-o remount,ro", "umount option '-o'")]
    [InlineData("--recursive", "umount option '--recursive'")]
    public async Task AnUnmountOptionTheHelperCannotSayIsAFailureNamingIt(string options, string expected)
    {
        var time = new FakeTimeProvider();
        var exec = new FakeCommandExecutor(time);
        var ctx = new ShutdownStepContext(false, exec, time, NullLogger.Instance, "test");
        var r = await new UnmountStep(new UnmountOptions("/mnt/nas", options, TimeSpan.FromSeconds(5)), viaHelper: true).RunAsync(ctx, default);
        Assert.Equal("failed", r.Outcome);
        Assert.Contains(expected, r.Detail);
        Assert.Contains("shutdown.privileges: direct", r.Detail);
        Assert.Empty(exec.Commands);
    }

    [Theory]
    [InlineData(4, "skipped", "does not exist or is not mounted")]
    [InlineData(3, "failed", "a tool the helper needs is not installed")]
    [InlineData(2, "failed", "the helper refused")]
    [InlineData(5, "failed", "still running after the wait")]
    public async Task TheHelpersExitStatusIsReadBackAndSaidInWords(int status, string outcome, string words)
    {
        var time = new FakeTimeProvider();
        var exec = new FakeCommandExecutor(time)
            .Fail("systemctl start", 1, "Job for gateway-shutdown@… failed because the control process exited with error code.")
            .Succeed("systemctl show --property=Result --property=ExecMainStatus", $"Result=exit-code\nExecMainStatus={status}\n");
        var ctx = new ShutdownStepContext(false, exec, time, NullLogger.Instance, "test");
        var r = await new UnmountStep(new UnmountOptions("/mnt/nas", "", TimeSpan.FromSeconds(5)), viaHelper: true).RunAsync(ctx, default);
        Assert.Equal(outcome, r.Outcome);
        Assert.Contains(words, r.Detail);
        Assert.Contains("journalctl -u 'gateway-shutdown@unmount\\x20-mnt-nas.service'", r.Detail);
    }

    [Theory]
    // The start was refused before the helper ran: the status 4 is an earlier run's, so this is no "not mounted".
    [InlineData("Failed to start: start request repeated too quickly", "Result=start-limit-hit\nExecMainStatus=4\n", "systemd's result: start-limit-hit")]
    [InlineData("Job canceled", "Result=success\nExecMainStatus=0\n", "systemd's result: success")]
    // No systemd to ask (e.g. a container without it): what systemctl said, not "failed as root".
    [InlineData("System has not been booted with systemd as init system (PID 1). Can't operate.", null, "how the helper ended cannot be read back")]
    public async Task AStartThatNeverReachedTheHelperIsAFailureNotAnEarlierRunsAnswer(string startError, string? show, string words)
    {
        var time = new FakeTimeProvider();
        var exec = new FakeCommandExecutor(time).Fail("systemctl start", 1, startError);
        if (show is null) exec.Fail("systemctl show", 1, startError);
        else exec.Succeed("systemctl show --property=Result --property=ExecMainStatus", show);
        var ctx = new ShutdownStepContext(false, exec, time, NullLogger.Instance, "test");
        var r = await new UnmountStep(new UnmountOptions("/mnt/nas", "", TimeSpan.FromSeconds(5)), viaHelper: true).RunAsync(ctx, default);
        Assert.Equal("failed", r.Outcome);
        Assert.Contains(words, r.Detail);
        Assert.Contains(startError, r.Detail);
        Assert.DoesNotContain("as root", r.Detail);
    }

    [Fact]
    public void TheHelperUnitIsNeverRefusedByAStartRateLimit()
    {
        // A flapping mains sheds and restores the same VM again and again; a restarted gateway resumes the sequence and
        // starts the same request again: systemd's default start limit (5 in 10 s) must never refuse a shutdown action.
        var unit = File.ReadAllLines(RepoPaths.File("systemd", "gateway-shutdown@.service"));
        Assert.Contains("StartLimitIntervalSec=0", unit);
    }

    [Fact]
    public async Task ARequestTooLongForASystemdUnitNameIsRefusedInWordsWithoutStartingAnything()
    {
        var time = new FakeTimeProvider();
        var exec = new FakeCommandExecutor(time);
        var ctx = new ShutdownStepContext(false, exec, time, NullLogger.Instance, "test");
        var path = "/srv/" + string.Join('/', Enumerable.Repeat("backup share", 14));
        var r = await new UnmountStep(new UnmountOptions(path, "-l", TimeSpan.FromSeconds(5)), viaHelper: true).RunAsync(ctx, default);
        Assert.Equal("failed", r.Outcome);
        Assert.Contains("is too long for the helper", r.Detail);
        Assert.Contains("at most 255 are allowed", r.Detail);
        Assert.Empty(exec.Commands);
    }

    [Fact]
    public async Task APolkitDenialSaysToInstallPolkitNotThatTheActionFailed()
    {
        var time = new FakeTimeProvider();
        var exec = new FakeCommandExecutor(time).Fail("systemctl start", 1, "Failed to start gateway-shutdown@vms.service: Access denied");
        var ctx = new ShutdownStepContext(true, exec, time, NullLogger.Instance, "test");
        var r = await new VmShutdownStep(new VmStepOptions(true, TimeSpan.FromSeconds(30)), viaHelper: true).RunAsync(ctx, default);
        Assert.Equal("failed", r.Outcome);
        Assert.Contains("apt install polkitd", r.Detail);
        Assert.Single(exec.Commands);
    }

    [Fact]
    public void ARemoteLibvirtUriIsAConfigErrorBecauseRootWouldConnectToIt()
    {
        var bad = ConfigLoader.LoadText("shutdown: { vms: { enabled: true, uri: 'qemu+ssh://root@nas/system' } }\n", "t.yaml", new Dictionary<string, string>(), []);
        Assert.Contains(bad.Errors, e => e.Key == "shutdown.vms.uri" && e.Message.Contains("not a local libvirt URI"));
        var good = TestConfig.Load("shutdown: { vms: { enabled: true, uri: 'test+unix:///default', force_off: false } }\n");
        Assert.Equal("test+unix:///default", good.Shutdown.Vms.Uri);
        Assert.False(good.Shutdown.Vms.ForceOff);
    }

    [Fact]
    public async Task DirectlyTheVmStepUsesTheUriAndLeavesVmsRunningWithoutForceOff()
    {
        var time = new FakeTimeProvider();
        var exec = new FakeCommandExecutor(time).Succeed("virsh -c test+unix:///default list", "web\n");
        var ctx = new ShutdownStepContext(false, exec, time, NullLogger.Instance, "test");
        var run = new VmShutdownStep(new VmStepOptions(true, TimeSpan.FromSeconds(4), "test+unix:///default", ForceOff: false)).RunAsync(ctx, default);
        while (!run.IsCompleted) { time.Advance(VmShutdownStep.PollEvery); await Task.Yield(); }
        var r = await run;
        Assert.Equal("failed", r.Outcome);
        Assert.Contains("force_off is false: web", r.Detail);
        Assert.Contains("virsh -c test+unix:///default shutdown web", exec.Commands);
        Assert.DoesNotContain(exec.Commands, c => c.Contains("destroy", StringComparison.Ordinal));
    }

    /// <summary>Runs a program to its end: exit code and stdout + stderr.</summary>
    internal static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }
}
