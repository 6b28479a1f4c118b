using System.Diagnostics;
using Gateway.Shutdown;

namespace Gateway.Tests.Shutdown;

/// <summary>Real child processes: exit codes, output, start failures, and a hanging command killed at its timeout.</summary>
public sealed class ProcessCommandExecutorTests
{
    private readonly ProcessCommandExecutor _exec = new(TimeProvider.System);

    [Fact]
    public async Task Success_and_output_are_reported()
    {
        var r = await _exec.RunAsync(["/bin/echo", "hello", "world"], TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.True(r.Succeeded);
        Assert.Equal("hello world", r.Output.Trim());
    }

    [Fact]
    public async Task A_non_zero_exit_is_a_failure_with_its_stderr()
    {
        var r = await _exec.RunAsync(["/bin/sh", "-c", "echo 'target is busy' >&2; exit 32"], TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.False(r.Succeeded);
        Assert.Equal(32, r.ExitCode);
        Assert.Contains("target is busy", r.Describe());
    }

    [Fact]
    public async Task A_missing_program_is_reported_not_thrown()
    {
        var r = await _exec.RunAsync(["/nonexistent/virsh", "list"], TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.NotNull(r.StartError);
        Assert.False(r.Succeeded);
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task A_hanging_command_and_its_children_are_killed_at_the_timeout()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"gw-hang-{Guid.NewGuid():N}");
        var sw = Stopwatch.StartNew();
        // The shell starts a grandchild that would write the marker after 3 s: killing the tree must stop it.
        var r = await _exec.RunAsync(["/bin/sh", "-c", $"(sleep 3; touch {marker}) & sleep 60"], TimeSpan.FromMilliseconds(500), CancellationToken.None);
        sw.Stop();
        Assert.True(r.TimedOut);
        Assert.True(sw.Elapsed.TotalSeconds >= 0.4, $"gave up after {sw.Elapsed.TotalSeconds:0.00} s, before the 0.5 s timeout");
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        Assert.False(File.Exists(marker), "the grandchild survived the kill");
    }

    [Fact]
    public async Task Cancellation_kills_the_command_and_throws()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _exec.RunAsync(["/bin/sleep", "60"], TimeSpan.FromSeconds(30), cts.Token));
    }
}
