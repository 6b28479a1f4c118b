using Gateway.Shutdown;

namespace Gateway.Tests.Shutdown;

/// <summary>The one process runner kills the whole process group: also what a walk of the process tree cannot find.</summary>
public sealed class ProcessGroupKillTests
{
    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task An_orphaned_grandchild_dies_with_its_command_at_the_timeout()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"gw-orphan-{Guid.NewGuid():N}");
        // The inner subshell forks the writer and exits at once: the writer is reparented away from the tree.
        var r = await new ProcessCommandExecutor(TimeProvider.System).RunAsync(
            ["/bin/sh", "-c", $"( (sleep 2; touch {marker}) & ); sleep 60"], TimeSpan.FromMilliseconds(500), CancellationToken.None);
        Assert.True(r.TimedOut);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(File.Exists(marker), "the orphaned grandchild survived: the process group was not killed");
    }

    [Fact]
    public async Task A_program_that_is_not_on_the_path_is_a_start_error_naming_it()
    {
        var r = await new ProcessCommandExecutor(TimeProvider.System).RunAsync(["gateway-no-such-tool", "-x"], TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal("gateway-no-such-tool not found (searched PATH)", r.StartError);
    }

    [Fact]
    public void Usb_hotplug_says_why_it_stays_off_when_ups_conf_cannot_be_rewritten()
    {
        var why = Gateway.Hotplug.UsbHotplugWatcher.WhyCannotRewrite("/proc/gateway-test/ups.conf");
        Assert.NotNull(why);
        Assert.StartsWith("/proc/gateway-test is not writable by user ", why);
        Assert.EndsWith("so /proc/gateway-test/ups.conf cannot be rewritten nor its driver restarted", why);
        using var dir = new Support.TempDir();
        Assert.Null(Gateway.Hotplug.UsbHotplugWatcher.WhyCannotRewrite(dir.File("ups.conf")));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
