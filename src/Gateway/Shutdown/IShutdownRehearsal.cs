namespace Gateway.Shutdown;

/// <summary>Runs the whole shutdown sequence as a dry run (POST /api/shutdown/test, <c>gateway shutdown --dry-run</c>).</summary>
public interface IShutdownRehearsal
{
    Task<ShutdownRunSummary> RehearseAsync(CancellationToken cancellationToken);
}
