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
    bool Cancelled = false,
    string? BootId = null)
{
    /// <summary>Started in an earlier boot of this machine (so it must not be resumed).</summary>
    public bool FromAnotherBoot(string? currentBootId) => BootId is not null && currentBootId is not null && BootId != currentBootId;

    public bool Finished => FinishedAt is not null;
    public bool InProgress => !Finished && !Cancelled;
}
