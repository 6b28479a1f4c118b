using Gateway.Tests.Support;
using Gateway.Commands;
using Gateway.Configuration;
using Gateway.Shutdown;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Shutdown;

/// <summary><c>gateway shutdown --dry-run</c> and <c>--reset</c>.</summary>
public sealed class ShutdownCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-cmd-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private GatewayConfig Config(string shutdown) => TestConfig.Load($"gateway:\n  data_dir: {_dir}\nshutdown:\n{shutdown}");

    [Fact]
    public async Task Dry_run_prints_every_step_with_its_command_and_runs_nothing()
    {
        var exec = new FakeCommandExecutor(TimeProvider.System).Succeed("docker ps", "c1\n");
        var config = Config("  containers: { enabled: true, timeout: 10s }\n  unmounts:\n    - { path: /, options: \"-l\", timeout: 5s }\n  local: { command: \"systemctl poweroff\" }\n");
        var output = new StringWriter();
        var code = await ShutdownCommand.DryRunAsync(config, exec, NullLoggerFactory.Instance, output, CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, code);
        var text = output.ToString();
        Assert.Contains("[DRY-RUN] docker stop --time 10 c1", text);
        Assert.Contains("[DRY-RUN] sync", text);
        Assert.Contains("[DRY-RUN] umount -l / (timeout 5s)", text);
        Assert.Contains("nut_fsd", text);
        Assert.Contains("skipped", text);
        Assert.Contains("[DRY-RUN] systemctl poweroff (after final_delay 5s)", text);
        Assert.Equal(["docker ps --quiet"], exec.Commands);
        Assert.False(File.Exists(Path.Combine(_dir, ShutdownStateStore.FileName)));
    }

    [Fact]
    public async Task Dry_run_exits_1_when_a_step_would_fail()
    {
        var exec = new FakeCommandExecutor(TimeProvider.System).Fail("docker ps", 1, "Cannot connect to the Docker daemon");
        var output = new StringWriter();
        var code = await ShutdownCommand.DryRunAsync(Config("  containers: { enabled: true }\n"), exec, NullLoggerFactory.Instance, output, CancellationToken.None);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("Cannot connect to the Docker daemon", output.ToString());
    }

    [Fact]
    public async Task Reset_clears_a_finished_sequence_but_not_an_unfinished_real_one_without_force()
    {
        var config = Config("  sync: true\n");
        var store = new ShutdownStateStore(_dir);
        var now = DateTimeOffset.UtcNow;
        await store.SaveAsync(new ShutdownProgress("runtime", "r", false, now, true, [], null), CancellationToken.None);
        var err = new StringWriter();
        Assert.Equal(ExitCodes.BadInput, await ShutdownCommand.ResetAsync(config, false, new StringWriter(), err, CancellationToken.None));
        Assert.Contains("--force", err.ToString());
        Assert.True(File.Exists(store.FilePath));

        await store.SaveAsync(new ShutdownProgress("runtime", "r", true, now, true, [], now), CancellationToken.None);
        var output = new StringWriter();
        Assert.Equal(ExitCodes.Ok, await ShutdownCommand.ResetAsync(config, false, output, new StringWriter(), CancellationToken.None));
        Assert.Contains("dry-run shutdown record", output.ToString());
        Assert.False(File.Exists(store.FilePath));
        Assert.Equal(ExitCodes.Ok, await ShutdownCommand.ResetAsync(config, false, output, new StringWriter(), CancellationToken.None));
        Assert.Contains("Nothing to clear", output.ToString());
    }
}
