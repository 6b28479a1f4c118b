using Gateway.Shutdown;
using Gateway.Tests.Support;

namespace Gateway.Tests.Shutdown;

/// <summary>
/// <c>gateway shutdown --dry-run</c> of the real binary as an unprivileged user with the packaged service's path
/// (<c>privileges: helper</c>): every privileged action is named as the helper request it would start, and every
/// missing prerequisite is a sentence with its fix, never a pass that the service would then fail.
/// </summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class ServiceUserRehearsalTests
{
    [FactWhenAbsent(PrivilegedHelper.ActionPath)]
    public async Task AsTheServiceUserTheRehearsalNamesEachHelperRequestAndEachMissingPrerequisiteWithItsFix()
    {
        using var dir = new TempDir("gw-rehearsal-user");
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_101_101);
        // A key only root can read (as left by `ssh-keygen` run as root): the service user cannot use it.
        var key = dir.Write("id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\n", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (!UnprivilegedUser.IsRoot) File.SetUnixFileMode(key, UnixFileMode.None);
        var data = Directory.CreateDirectory(dir.File("data")).FullName;
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111);
        var known = dir.Write("known_hosts", "", (UnixFileMode)0b110_100_100);
        var config = dir.Write("config.yaml", $$"""
            gateway: { data_dir: {{data}} }
            nut_server: { enabled: false }
            shutdown:
              privileges: helper
              vms: { enabled: true, wait: 30s, uri: "qemu:///system", force_off: true }
              containers: { enabled: true, timeout: 20s }
              unmounts:
                - { path: /mnt/nas, options: "-l", timeout: 15s }
              remote_hosts:
                - { name: nas, host: 127.0.0.1, port: 9, user: root, key_file: {{key}}, known_hosts: {{known}}, command: poweroff, timeout: 5s }
            """, (UnixFileMode)0b110_100_100);
        var runAs = UnprivilegedUser.IsRoot ? UnprivilegedUser.Get() : null;
        var user = runAs?.Name ?? Environment.UserName;

        await using var gw = GatewayProcess.Start(["shutdown", "--dry-run", "--config", config], runAs: runAs);
        Assert.True(await gw.WaitForExitAsync(TimeSpan.FromSeconds(120)), gw.Output);
        var o = gw.Output;
        Assert.True(gw.ExitCode == 1, $"exit {gw.ExitCode}, want 1 (steps would fail):\n{o}");

        Assert.Contains($"Shutdown readiness (as user {user}):", o);
        // Each privileged action, as the request to the root helper the service would start (its dry-run "check").
        Assert.Contains(@"gateway-shutdown@vms\x20check\x20uri\x3dqemu:---system\x20wait\x3d30\x20force\x2doff.service", o);
        Assert.Contains(@"gateway-shutdown@containers\x20check\x20timeout\x3d20.service", o);
        Assert.Contains(@"gateway-shutdown@unmount\x20check\x20lazy\x20-mnt-nas.service", o);
        // Each missing prerequisite, with the fix.
        Assert.Contains($"FAIL the root helper {PrivilegedHelper.ActionPath} is not installed, so VMs, containers and unmounts cannot be done as user {user}; install the gateway package", o);
        Assert.Contains($"FAIL SSH key of remote host 'nas' {key} is not readable by user {user}", o);
        Assert.Contains($"chown root:gateway {key} && chmod 640 {key}", o);
        Assert.Matches($@"ssh:nas\s+failed\s+cannot load key_file {key}", o);
        foreach (var step in (string[])["vms", "containers", @"unmount:/mnt/nas"])
            Assert.Matches($@"\n  {step}\s+failed\s+rehearsal through the helper: ", o);
        Assert.DoesNotContain("as root (exit unknown", o);
        Assert.Contains("step(s) would fail; fix them before relying on the sequence.", o);
        Assert.Empty(Directory.EnumerateFiles(data, "*shutdown*", SearchOption.AllDirectories));
    }
}
