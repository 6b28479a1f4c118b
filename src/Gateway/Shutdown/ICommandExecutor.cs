namespace Gateway.Shutdown;

/// <summary>Runs a local command with a timeout that cannot hang the caller (tests substitute fake commands).</summary>
public interface ICommandExecutor
{
    /// <param name="argv">The program and its arguments (no shell).</param>
    Task<CommandResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken);
}
