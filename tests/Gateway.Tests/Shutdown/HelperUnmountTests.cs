using Gateway.Tests.Support;

namespace Gateway.Tests.Shutdown;

/// <summary>
/// The root helper (systemd/gateway-shutdown-action) as a hostile or careless gateway would drive it: requests that
/// try to smuggle options into umount/virsh/docker, climb out with "..", or point through a symlink the gateway
/// planted, and the faults of real mounts (busy, already gone). Run as root against real tmpfs mounts, as the helper
/// runs: what it refuses stays mounted, what it reports done is gone from the mount table.
/// </summary>
public sealed class HelperUnmountTests : IDisposable
{
    private static readonly string Script = RepoPaths.File("systemd", "gateway-shutdown-action");

    // Under /mnt (root-owned, 0755 all the way up, as a real mount point's parents must be for the helper): a TempDir
    // under /tmp would be refused because /tmp is writable by everyone.
    private readonly string _place = Path.Combine("/mnt", "gw-helper-test-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try { Directory.Delete(_place, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_place, name), (UnixFileMode)0b111_101_101).FullName;

    [Theory]
    [InlineData("unmount /mnt/../etc", "will not unmount system path /etc")]
    [InlineData("unmount /srv/../../proc/.", "will not unmount system path /proc")]
    [InlineData("unmount -l /mnt/nas", "needs an absolute path, got '-l /mnt/nas'")]
    [InlineData("unmount --all", "needs an absolute path, got '--all'")]
    [InlineData("unmount check -R /", "needs an absolute path")]
    [InlineData("unmount relative/share", "needs an absolute path")]
    [InlineData("unmount", "unmount needs a path")]
    [InlineData("unmount lazy", "unmount needs a path")]
    [InlineData("vms --connect=qemu+ssh://evil/system", "bad VM name '--connect=qemu+ssh://evil/system'")]
    [InlineData("vms check -c x", "bad VM name '-c x'")]
    [InlineData("vms uri=qemu://evil.example/system", "is not a local one")]
    [InlineData("vms wait=99999", "wait must be 0..3600 seconds")]
    [InlineData("vms force-off wait=1;reboot", "wait must be 0..3600 seconds")]
    [InlineData("containers --all", "bad container name '--all'")]
    [InlineData("containers timeout=5;reboot", "timeout must be 0..3600 seconds")]
    [InlineData("container-start -d", "bad container name '-d'")]
    [InlineData("poweroff now", "poweroff takes no target")]
    [InlineData("reboot", "unknown action 'reboot'")]
    [InlineData("sh -c id", "unknown action 'sh'")]
    public void HostileRequestsAreRefusedWithExitTwoBeforeAnyToolRuns(string request, string words)
    {
        var r = Run(Script, request);
        Assert.True(r.Code == 2, $"'{request}': exit {r.Code}, want 2 (refused): {r.Output}");
        Assert.Contains("gateway-shutdown-action: refused: ", r.Output);
        Assert.Contains(words, r.Output);
    }

    [Fact]
    public void MoreThanOneArgumentIsRefused()
    {
        var r = Run(Script, "unmount", "/mnt/nas");
        Assert.Equal(2, r.Code);
        Assert.Contains("expected exactly one request, got 2", r.Output);
    }

    [Fact]
    [Trait(Lane.Trait, Lane.FullOnly)]
    public async Task ARealMountIsGoneWhenTheHelperSaysDoneAndAlreadyGoneIsNotMounted()
    {
        var share = Dir("my share");
        await using var mount = await Mount.TmpfsAsync(share);

        var check = Run(Script, $"unmount check lazy {share}");
        Assert.True(check.Code == 0, check.Output);
        Assert.Contains($"check ok: would umount -l {share} (tmpfs", check.Output);
        Assert.True(Mount.IsMounted(share), "the check unmounted it");

        var done = Run(Script, $"unmount {share}");
        Assert.True(done.Code == 0, done.Output);
        Assert.Contains($"unmounted {share}", done.Output);
        Assert.False(Mount.IsMounted(share), $"the helper said done but {share} is still in the mount table");

        // Already gone: "not mounted" (4), which the gateway reports as skipped, not as a failure.
        var again = Run(Script, $"unmount {share}");
        Assert.True(again.Code == 4, again.Output);
        Assert.Contains("is not a mount point", again.Output);
    }

    [Fact]
    [Trait(Lane.Trait, Lane.FullOnly)]
    public async Task ABusyMountFailsUnlessLazyAndNeverReportsDoneWhileMounted()
    {
        var share = Dir("busy");
        await using var mount = await Mount.TmpfsAsync(share);
        await using (var open = new FileStream(Path.Combine(share, "open"), FileMode.Create, FileAccess.Write))
        {
            var busy = Run(Script, $"unmount {share}");
            Assert.True(busy.Code == 1, busy.Output);
            Assert.Contains($"umount {share} failed (busy? see: fuser -vm {share})", busy.Output);
            Assert.True(Mount.IsMounted(share));

            var lazy = Run(Script, $"unmount lazy {share}");
            Assert.True(lazy.Code == 0, lazy.Output);
            Assert.False(Mount.IsMounted(share), "a lazy unmount reported done but the mount is still in the table");
        }
    }

    [Fact]
    [Trait(Lane.Trait, Lane.FullOnly)]
    public async Task SymlinksAndDirectoriesTheGatewayOwnsCannotRedirectAnUnmount()
    {
        var nobody = UnprivilegedUser.Get();
        // The gateway's own state directory: it may plant any symlink there.
        var state = Dir("state");
        Chown(state, nobody);
        File.CreateSymbolicLink(Path.Combine(state, "to-etc"), "/etc");
        File.CreateSymbolicLink(Path.Combine(state, "to-root"), "/mnt/..");
        var toEtc = Run(Script, $"unmount {state}/to-etc");
        Assert.True(toEtc.Code == 2, toEtc.Output);
        Assert.Contains("will not unmount system path /etc", toEtc.Output);
        Assert.Equal(2, Run(Script, $"unmount check {state}/to-root").Code);

        // A mount below a directory the gateway owns: it could swap that directory between the check and the umount.
        var owned = Dir("owned");
        var below = Directory.CreateDirectory(Path.Combine(owned, "share")).FullName;
        Chown(owned, nobody);
        await using (var m = await Mount.TmpfsAsync(below))
        {
            var r = Run(Script, $"unmount {below}");
            Assert.True(r.Code == 2, r.Output);
            Assert.Contains($"{owned} (above {below}) belongs to uid {nobody.Uid}, not root", r.Output);
            Assert.True(Mount.IsMounted(below), "a refused request unmounted it");
        }

        // A group-writable directory above it: the same.
        var shared = Dir("group-writable");
        var inShared = Directory.CreateDirectory(Path.Combine(shared, "share")).FullName;
        File.SetUnixFileMode(shared, (UnixFileMode)0b111_111_101);
        await using (var m = await Mount.TmpfsAsync(inShared))
        {
            var r = Run(Script, $"unmount {inShared}");
            Assert.True(r.Code == 2, r.Output);
            Assert.Contains("is writable by others than root (mode 775)", r.Output);
            Assert.True(Mount.IsMounted(inShared));
        }

        // A symlink that leads to a proper mount point is resolved as root and says so: what is unmounted is the
        // resolved path, checked (the gateway could have asked for it by name anyway).
        var share = Dir("share");
        File.CreateSymbolicLink(Path.Combine(state, "to-share"), share);
        await using (var m = await Mount.TmpfsAsync(share))
        {
            var r = Run(Script, $"unmount check {state}/to-share");
            Assert.True(r.Code == 0, r.Output);
            Assert.Contains($"{state}/to-share resolves to {share}", r.Output);
        }
    }

    private static void Chown(string path, UnprivilegedUser user) => Assert.Equal(0, Run("chown", $"{user.Uid}:{user.Gid}", path).Code);

    // The helper as its unit runs it (sh SCRIPT REQUEST), or another program.
    private static (int Code, string Output) Run(string file, params string[] args) =>
        file == Script ? HelperRequestTests.Run("sh", [Script, .. args]) : HelperRequestTests.Run(file, args);
}
