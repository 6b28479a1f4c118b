namespace Gateway.Shutdown;

/// <summary>Runs the configured sequence as a dry run by hand (POST /api/shutdown/test, <c>gateway shutdown --dry-run</c>); nothing is persisted.</summary>
public sealed class ShutdownRehearsal(ShutdownSequence sequence) : IShutdownRehearsal
{
    public Task<ShutdownRunSummary> RehearseAsync(CancellationToken cancellationToken) =>
        sequence.RunAsync(new ShutdownRequest("manual", "rehearsal requested by hand", DryRun: true, Persist: false), CancellationToken.None, cancellationToken);
}
