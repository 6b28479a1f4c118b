namespace Gateway.Shutdown;

/// <summary>
/// A shutdown sequence as persisted in data_dir/shutdown-state.json: a restart in the middle resumes after the
/// last finished step instead of starting again or forgetting it. <c>gateway shutdown --reset</c> deletes it.
/// </summary>
public sealed record ShutdownProgress(
    string Trigger,
    string Reason,
    bool DryRun,
    DateTimeOffset StartedAt,
    bool PointOfNoReturnPassed,
    IReadOnlyList<ShutdownStepResult> Completed,
    DateTimeOffset? FinishedAt,
    bool Cancelled = false)
{
    public bool Finished => FinishedAt is not null;
    public bool InProgress => !Finished && !Cancelled;
}
