using Gateway.Shutdown;

namespace Gateway.Tests.Web;

public sealed class FakeRehearsal(TimeProvider time) : IShutdownRehearsal
{
    public int Runs { get; private set; }
    public TaskCompletionSource? Hold { get; set; }

    public async Task<ShutdownRunSummary> RehearseAsync(CancellationToken cancellationToken)
    {
        Runs++;
        var start = time.GetUtcNow();
        if (Hold is { } h) await h.Task.WaitAsync(cancellationToken);
        return new ShutdownRunSummary(true, start, start.AddSeconds(1.5),
            [new ShutdownStepResult("sync", "dry_run", "sync", TimeSpan.FromMilliseconds(10)), new ShutdownStepResult("local", "dry_run", "systemctl poweroff", TimeSpan.Zero)]);
    }
}
